"""The synchronous model: three tasks one after another, each waiting for its downloads in turn.

The tutorial's section 1.1: one task at a time; while a task waits (blocked on IO, grey in its
figures and in the timeline) nothing else happens. Each task computes a little (counted Python,
which costs CPU time) and downloads twice (a sleep of 0.5 s stands for the wait). Compare it
with models_threaded.py and models_async.py:
`simconc compare scenarios/models_sync.py scenarios/models_threaded.py scenarios/models_async.py --timeline -`.
"""
import time

ROW = 1


def work(n):
    """The task's own computing, between its waits."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def download(name, part):
    time.sleep(0.5)   # waiting for the network: the task is blocked


def task(name):
    for part in range(2):
        work(400_000)
        download(name, part)
    print(f"task {name} done at {time.monotonic() - start:.1f} s")


start = time.monotonic()
for name in "ABC":
    task(name)
print(f"all done in {time.monotonic() - start:.1f} s")
