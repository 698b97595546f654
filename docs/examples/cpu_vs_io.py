"""Two tasks one after the other, then in two threads: CPU-bound work gains nothing from threads
under the GIL, blocking IO overlaps. simconc.cpu(s) computes for s seconds holding the GIL and a
core; simconc.io(s) blocks for s seconds without the GIL (outside simconc they really compute
and sleep, so this file also runs under plain python)."""
import threading
import time

import simconc


def timed(label, work):
    start = time.perf_counter()
    work()
    print("{:<22} {:7.3f} s".format(label, time.perf_counter() - start))


def sequential(task):
    task()
    task()


def threaded(task):
    threads = [threading.Thread(target=task) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def cpu_task():
    simconc.cpu(3.7)      # about fib(35) on the tutorial's machine


def io_task():
    simconc.io(0.5)       # waiting for a server


timed("cpu, one after other", lambda: sequential(cpu_task))
timed("cpu, two threads", lambda: threaded(cpu_task))
timed("io, one after other", lambda: sequential(io_task))
timed("io, two threads", lambda: threaded(io_task))
