"""Dragonfire: the two-headed dragon breathes fire; get both heads into its critical section.

The Deadlock Empire's "Dragonfire", in Python. The firebreathing head holds the firebreathing
lock while it fires; it enters the critical section only after taking three fireballs from the
semaphore, without waiting. The recharging head adds a fireball while `c` is below 2, and is in
the critical section otherwise. (The original loops for ever; here the firebreathing head makes
two rounds and the recharging head four.)
"""
import threading

ORDER = 21
GOAL = "critical:critical_section"
FEWEST = 35
HINT = "c goes down and up again while the firebreathing head fires: catch it low."

firebreathing = threading.Lock()
fireball = threading.Semaphore(0)
c = 0


def critical_section():
    print("in the critical section")


def firebreathing_head():
    global c
    for _ in range(2):
        with firebreathing:
            if fireball.acquire(blocking=False):
                if fireball.acquire(blocking=False):
                    if fireball.acquire(blocking=False):
                        critical_section()
            c = c - 1
            c = c + 1


def recharging_head():
    global c
    for _ in range(4):
        if c < 2:
            fireball.release()
            c += 1
        else:
            critical_section()


threading.Thread(target=firebreathing_head, name="firebreathing head").start()
threading.Thread(target=recharging_head, name="recharging head").start()
