"""The barrier: two must meet at the barrier, and three threads use it.

The Deadlock Empire's "The Barrier", in Python: a threading.Barrier for two parties, and three
threads. Each charges the fireball (an atomic increment: under a lock), then waits at the
barrier; the first thread then checks that the fireball is charged. The third waits at the
barrier twice, then lets the charge go. (The original loops for ever; one round each is
enough here.)
"""
import threading

ORDER = 14
GOAL = "exception"
FEWEST = 37
HINT = "The barrier lets any two through: not necessarily the two you think."

charge = 0
charge_lock = threading.Lock()
barrier = threading.Barrier(2)


def charge_up():
    global charge
    with charge_lock:
        charge += 1


def fire():
    charge_up()
    barrier.wait()
    assert charge >= 2, f"the fireball is not charged: {charge}"


def helper():
    charge_up()
    barrier.wait()


def drain():
    global charge
    charge_up()
    barrier.wait()
    barrier.wait()
    charge = 0


threading.Thread(target=fire, name="fire").start()
threading.Thread(target=helper, name="helper").start()
threading.Thread(target=drain, name="drain").start()
