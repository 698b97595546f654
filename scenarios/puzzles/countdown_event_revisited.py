"""Countdown event revisited: the bug is fixed; now make the event complain.

The Deadlock Empire's "Countdown Event Revisited", in Python (the CountdownEvent is written
with a Condition, as in countdown_event.py). Both threads add to `progress`, signal, wait for
the other, and stop once progress is 100. A CountdownEvent refuses a signal once it is at zero.
(The original loops for ever; two rounds each are enough here.)
"""
import threading

ORDER = 13
GOAL = "exception"
FEWEST = 40
HINT = "If progress never adds up to 100, nobody stops, and somebody signals once too often."


class CountdownEvent:
    """.NET's CountdownEvent: signal() counts down; wait() waits for zero."""

    def __init__(self, count):
        self.count = count
        self.cond = threading.Condition()

    def signal(self):
        with self.cond:
            if self.count == 0:
                raise ValueError("signalled more times than the event counts")
            self.count -= 1
            if self.count == 0:
                self.cond.notify_all()

    def wait(self):
        with self.cond:
            while self.count > 0:
                self.cond.wait()


progress = 0
event = CountdownEvent(3)


def first():
    global progress
    for _ in range(2):
        progress += 20
        event.signal()
        event.wait()
        if progress == 100:
            return   # done: the original's "game over" for you


def second():
    global progress
    for _ in range(2):
        progress += 30
        event.signal()
        progress += 50
        event.signal()
        event.wait()
        if progress == 100:
            return


threading.Thread(target=first, name="first").start()
threading.Thread(target=second, name="second").start()
