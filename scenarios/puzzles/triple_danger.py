"""Triple danger: a sorcerer feeds energy to both heads of a dragon.

The Deadlock Empire's "Triple Danger", in Python. The sorcerer puts energy bursts in a queue
under the conduit lock; each head takes one under the same lock, once it has seen that the
queue is not empty. (The original loops for ever; one round each is enough here.)
"""
import threading

ORDER = 22
GOAL = "exception"
FEWEST = 13
HINT = "Both heads can see the same burst before either takes it."

conduit = threading.Lock()
bursts = []


def sorcerer():
    with conduit:
        bursts.append("energy burst")


def head():
    if len(bursts) > 0:
        with conduit:
            bursts.pop(0)


threading.Thread(target=sorcerer, name="sorcerer").start()
threading.Thread(target=head, name="electricity head").start()
threading.Thread(target=head, name="fire head").start()
