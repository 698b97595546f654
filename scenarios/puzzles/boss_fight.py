"""Boss fight: the Parallel Wizard guards his sanctum with a semaphore and a condition.

The Deadlock Empire's "Boss Fight", in Python: the fortress is a semaphore, the sanctum a
threading.Condition (C#'s Monitor.Wait and Pulse are wait() and notify()). The first thread
enters the critical section only from inside the sanctum, once notified; the second, after it
notifies. (The original loops for ever; here the first thread makes one round and the second
three.)
"""
import threading

ORDER = 23
GOAL = "critical:critical_section"
FEWEST = 46
HINT = ("The first thread needs two releases of the fortress, and the second must notify it "
        "while it waits in the sanctum; darkness and evil are counted with lost updates.")

darkness = 0
evil = 0
fortress = threading.Semaphore(0)
sanctum = threading.Condition()


def critical_section():
    print("in the critical section")


def first():
    global darkness, evil
    darkness += 1
    evil += 1
    if darkness != 2 and evil != 2:
        if fortress.acquire(blocking=False):
            fortress.acquire()
            with sanctum:
                sanctum.wait()
                critical_section()


def second():
    global darkness, evil
    for _ in range(3):
        darkness += 1
        evil += 1
        if darkness != 2 and evil == 2:
            with sanctum:
                sanctum.notify()
            critical_section()
        fortress.release()
        darkness = 0
        evil = 0


threading.Thread(target=first, name="first").start()
threading.Thread(target=second, name="second").start()
