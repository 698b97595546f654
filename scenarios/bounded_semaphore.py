"""BoundedSemaphore: one release too many raises ValueError; a plain Semaphore just grows.

Section 2.2.1: a BoundedSemaphore works like a Semaphore, but release() may not be called more
often than acquire(). Here two workers, one after the other, have the same bug: each releases
twice for one acquire. With
a plain Semaphore(2) nothing complains; the counter silently grows, and afterwards more threads
fit inside than the 2 it was made for. With a BoundedSemaphore(2) the extra release raises
ValueError('Semaphore released too many times'), exactly as in CPython, and the bug is caught
where it happens.
"""
import threading
from threading import BoundedSemaphore, Semaphore, Thread

ROW = 4


def worker(sema):
    name = threading.current_thread().name
    sema.acquire()
    print('{} acquired'.format(name))
    sema.release()
    try:
        sema.release()  # the bug: one release more than acquire
        print('{} released twice, nobody complained'.format(name))
    except ValueError as e:
        print('{} released twice: {}: {}'.format(name, type(e).__name__, e))


def capacity(sema):
    """How many acquire() calls succeed right now without blocking (then give them back)."""
    n = 0
    while sema.acquire(blocking=False):
        n += 1
    for _ in range(n):
        sema.release()
    return n


for sema in (Semaphore(2), BoundedSemaphore(2)):
    kind = type(sema).__name__
    print('--- {}(2) ---'.format(kind))
    for i in range(2):  # one after the other
        t = Thread(target=worker, args=(sema,), name='{}-{}'.format(kind, i))
        t.start()
        t.join()
    print('{}(2) now lets {} threads in at once'.format(kind, capacity(sema)))
