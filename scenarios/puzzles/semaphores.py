"""Semaphores: a semaphore that starts at zero guards the critical section.

The Deadlock Empire's "Semaphores", in Python: C#'s SemaphoreSlim is threading.Semaphore (Wait
is acquire(), a Wait that gives up at once is acquire(blocking=False)). The first thread waits
for the semaphore; the second tries it, and releases it whether it got it or not. (The
original loops for ever; here the first thread makes one round and the second three.)
"""
import threading

ORDER = 15
GOAL = "critical:critical_section"
FEWEST = 15
HINT = "A release the thread never acquired for adds one more than there was."

semaphore = threading.Semaphore(0)


def critical_section():
    print("in the critical section")


def waiter():
    semaphore.acquire()
    critical_section()
    semaphore.release()


def trier():
    for _ in range(3):
        if semaphore.acquire(blocking=False):
            critical_section()
            semaphore.release()
        else:
            semaphore.release()


threading.Thread(target=waiter, name="waiter").start()
threading.Thread(target=trier, name="trier").start()
