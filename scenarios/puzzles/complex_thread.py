"""A more complex thread: three locks, two threads, one flag.

The Deadlock Empire's "A More Complex Thread", in Python. C#'s Monitor can be entered again by
the thread that holds it, as Python's RLock can; it is free once exited as many times as it was
entered. Read each branch counting how many times it takes each lock, and how many times it
lets go. (The original loops for ever; here each thread stops after three rounds and then lets
go of what it still holds, so that stopping is not itself a deadlock.)
"""
import threading

ORDER = 10
GOAL = "deadlock"
FEWEST = 15
HINT = ("The critical section is a red herring. Count: after its first branch, the first "
        "thread still holds mutex; after its first branch, the second still holds mutex2.")

mutex = threading.RLock()
mutex2 = threading.RLock()
mutex3 = threading.RLock()
flag = False


def critical_section():
    print("in the critical section")


def let_go(*locks):
    """The rounds are over: release whatever this thread still holds."""
    for lock in locks:
        while True:
            try:
                lock.release()
            except RuntimeError:   # not held (any more)
                break


def first():
    global flag
    for _ in range(3):
        if mutex.acquire(blocking=False):
            mutex3.acquire()
            mutex.acquire()
            critical_section()
            mutex.release()
            mutex2.acquire()
            flag = False
            mutex2.release()
            mutex3.release()
        else:
            mutex2.acquire()
            flag = True
            mutex2.release()
    let_go(mutex, mutex2, mutex3)


def second():
    global flag
    for _ in range(3):
        if flag:
            mutex2.acquire()
            mutex.acquire()
            flag = False
            critical_section()
            mutex.release()
            mutex2.acquire()
        else:
            mutex.acquire()
            flag = False
            mutex.release()
    let_go(mutex, mutex2, mutex3)


threading.Thread(target=first, name="first").start()
threading.Thread(target=second, name="second").start()
