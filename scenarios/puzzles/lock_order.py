"""Lock order: two threads take the same two locks in opposite orders.

Section 2.2.2 of the tutorial advises against holding several locks at once; this is why. Each
thread holds one lock and waits for the other's: neither can ever go on. (The cure: take the
locks in one order everywhere.)
"""
import threading

ORDER = 2
GOAL = "deadlock"
FEWEST = 3
HINT = "Let each thread take its first lock before either takes its second."

lock_a = threading.Lock()
lock_b = threading.Lock()


def a_then_b():
    with lock_a:
        with lock_b:
            print("A-then-B holds both")


def b_then_a():
    with lock_b:
        with lock_a:
            print("B-then-A holds both")


threading.Thread(target=a_then_b, name="A-then-B").start()
threading.Thread(target=b_then_a, name="B-then-A").start()
