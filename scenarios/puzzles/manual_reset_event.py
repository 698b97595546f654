"""Manual reset event: a thread waits for the event, then checks that the counter is even.

The Deadlock Empire's "Manual Reset Event", in Python: C#'s ManualResetEventSlim is Python's
threading.Event (Reset is clear()). The second thread clears the event, adds two to the
counter one at a time, and sets the event again. (The original loops for ever; here the first
thread checks twice and the second counts three times.)
"""
import threading

ORDER = 11
GOAL = "exception"
FEWEST = 21
HINT = "A thread past wait() does not stop when the event is cleared behind it."

counter = 0
sync = threading.Event()


def checker():
    for _ in range(2):
        sync.wait()
        assert counter % 2 == 0, f"counter is odd: {counter}"


def counter_thread():
    global counter
    for _ in range(3):
        sync.clear()
        counter += 1
        counter += 1
        sync.set()


threading.Thread(target=checker, name="checker").start()
threading.Thread(target=counter_thread, name="counter").start()
