"""Deadlock: two threads each take two locks, in opposite orders.

The Deadlock Empire's "Deadlock", in Python, with acquire() and release() as the original has
Monitor.Enter and Monitor.Exit.
"""
import threading

ORDER = 9
GOAL = "deadlock"
FEWEST = 3
HINT = "Each holds what the other waits for."

mutex = threading.Lock()
mutex2 = threading.Lock()


def critical_section():
    print("in the critical section")


def first():
    mutex.acquire()
    mutex2.acquire()
    critical_section()
    mutex.release()
    mutex2.release()


def second():
    mutex2.acquire()
    mutex.acquire()
    critical_section()
    mutex2.release()
    mutex.release()


threading.Thread(target=first, name="first").start()
threading.Thread(target=second, name="second").start()
