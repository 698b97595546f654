"""The threaded model: three tasks in three threads, their waits overlapping.

The tutorial's section 1.2: each task in a thread of its own, so one task's wait (blocked on IO,
grey) is another's time to run. The same tasks as models_sync.py; they finish together, in about
the time of one. Their computing still takes turns: one thread at a time holds the GIL.
"""
import threading
import time

ROW = 1


def work(n):
    """The task's own computing, between its waits."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def download(name, part):
    time.sleep(0.5)   # waiting for the network: the thread is blocked, the GIL free


def task(name):
    for part in range(2):
        work(400_000)
        download(name, part)
    print(f"task {name} done at {time.monotonic() - start:.1f} s")


start = time.monotonic()
threads = [threading.Thread(target=task, args=(name,)) for name in "ABC"]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"all done in {time.monotonic() - start:.1f} s")
