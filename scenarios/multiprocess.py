"""Processes: fib(35) twice in a row, then in two processes, which compute at once.

The tutorial's example of section 3, repaired where the PDF damaged it (the indentation, the
`print` of `timethis`, `jobs` misspelled `iobs`). Each process is an interpreter of its own with
its own GIL, so the two children compute on the machine's two cores at the same time: the
second figure is about half the first (the tutorial printed 7.334 s and 3.808 s, a ratio of
0.519). The children are forked: each starts from a copy of the parent's memory.
"""
import time
import multiprocessing

ROW = 17


def timethis(func):
    def wrapper(*args, **kwargs):
        start = time.time()
        result = func(*args, **kwargs)
        end = time.time()
        print("Func: '%s' Time: %5.14f" % (func.__name__, end - start))
        return result
    return wrapper


def fib(n):
    if n <= 2:
        return 1
    return fib(n-1) + fib(n-2)


@timethis
def nomultiprocess():
    fib(35)
    fib(35)


@timethis
def hasmultiprocess():
    jobs = []
    for i in range(2):
        p = multiprocessing.Process(target=fib, args=(35,))
        p.start()
        jobs.append(p)
    for p in jobs:
        p.join()


nomultiprocess()
hasmultiprocess()
