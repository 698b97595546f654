import multiprocessing as mp
import signal
import time


def ignoring():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("child sigint", signal.getsignal(signal.SIGINT) is signal.default_int_handler, flush=True)
    time.sleep(0.5)
    print("child lived", flush=True)


def plain():
    time.sleep(5)


def init():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    old = signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    print(old, signal.getsignal(signal.SIGUSR1), signal.getsignal(signal.SIGPIPE))
    p = mp.Process(target=ignoring); p.start(); time.sleep(0.1); p.terminate(); p.join()
    print("ignoring:", p.exitcode)
    q = mp.Process(target=plain); q.start(); time.sleep(0.1); q.terminate(); q.join()
    print("plain:", q.exitcode)
    with mp.Pool(2, initializer=init) as pool:
        print(pool.map(abs, [-1, -2]))
    for bad in ((signal.SIGKILL, signal.SIG_IGN), (0, signal.SIG_IGN), (signal.SIGTERM, 5)):
        try:
            signal.signal(*bad)
        except Exception as e:
            print(type(e).__name__, e)
    print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
