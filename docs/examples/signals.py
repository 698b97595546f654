"""Signals reach their handlers: a worker ends cleanly on SIGTERM while it waits for work, and
an alarm's handler sets the flag a sleeping loop looks at."""
import multiprocessing as mp
import signal
import sys
import time


def worker(tasks):
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    while True:
        print("worker got", tasks.get(), flush=True)   # (blocked here when SIGTERM comes)


stop = False


def on_alarm(signum, frame):
    global stop
    print(f"{signal.Signals(signum).name} in {frame.f_code.co_name}()")
    stop = True


def main():
    tasks = mp.Queue()
    p = mp.Process(target=worker, args=(tasks,))
    p.start()
    tasks.put("task 1")
    time.sleep(0.5)
    p.terminate()
    p.join()
    print("worker exit code", p.exitcode)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.25)
    naps = 0
    while not stop:
        time.sleep(0.1)
        naps += 1
    print("naps", naps)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(1)      # the default action: the process dies of it
    time.sleep(5)
    print("never printed")


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
