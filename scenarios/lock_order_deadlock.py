"""Two locks taken in opposite orders: a deadlock, reported as a wait-for cycle.

Section 2.2.2 advises against holding several locks at once. This is why: thread A-then-B takes
lock_a, then wants lock_b; thread B-then-A takes lock_b, then wants lock_a. Each holds what the
other waits for, so neither can ever go on. The sleep inside the first critical section makes
sure both have their first lock before either asks for its second, so it deadlocks for every
seed. simconc stops when no thread can proceed and draws the cycle:
A-then-B -> B-then-A -> A-then-B, naming lock_a and lock_b.

Under plain python the program hangs for ever (stop it with Ctrl-C): that is the deadlock.
The cure: take the locks in one global order everywhere (always lock_a before lock_b).
"""
import time
from threading import Thread, Lock

ROW = 8

lock_a = Lock()
lock_b = Lock()


def a_then_b():
    with lock_a:
        # A的关键代码部分
        print('A-then-B: holds lock_a, wants lock_b')
        time.sleep(0.1)
        with lock_b:
            # B的关键代码部分
            print('A-then-B: holds both')


def b_then_a():
    with lock_b:
        # B的关键代码部分
        print('B-then-A: holds lock_b, wants lock_a')
        time.sleep(0.1)
        with lock_a:
            # A的关键代码部分
            print('B-then-A: holds both')


threads = [Thread(target=a_then_b, name='A-then-B'), Thread(target=b_then_a, name='B-then-A')]
for t in threads:
    t.start()
for t in threads:
    t.join()
print('done')  # never printed
