"""Lost update: two threads add one to a counter; make one of the additions vanish.

The tutorial's first race (section 2.2.2, nolock.py), with two threads instead of a hundred.
`counter += 1` is not one step but two: a read of the counter and a write of what was read plus
one. Another thread can run in between.
"""
import threading

ORDER = 1
GOAL = "check"
FEWEST = 10
HINT = "Let both threads read the counter before either of them writes it back."

counter = 0


def add():
    global counter
    counter += 1


threads = [threading.Thread(target=add, name=name) for name in ("A", "B")]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter =", counter)


def check():
    assert counter == 2, f"an update was lost: counter is {counter}, not 2"
