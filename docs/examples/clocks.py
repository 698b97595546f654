"""What each clock says: CPU time is what a thread computed, not the time it slept; the date is
the simulated machine's."""
import datetime
import threading
import time


def crunch():
    total = 0
    for i in range(300_000):
        total += i
    print(f"crunch: {time.thread_time():.3f} s of CPU")


def nap():
    time.sleep(0.5)
    print(f"nap:    {time.thread_time():.3f} s of CPU")


threads = [threading.Thread(target=crunch), threading.Thread(target=nap)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"wall {time.perf_counter():.3f} s, process CPU {time.process_time():.3f} s")
print("finished at", datetime.datetime.now(), "on", time.strftime("%A %d %B %Y, %H:%M %Z"))
