"""Countdown event: three signals open the gate; make one of them never come.

The Deadlock Empire's "Countdown Event", in Python. .NET's CountdownEvent counts down once per
signal() and lets wait() through at zero; Python has none, so here is one, written with a
Condition. Each thread adds its part to `progress` and signals when it sees its part done.
"""
import threading

ORDER = 12
GOAL = "deadlock"
FEWEST = 29
HINT = "`progress += 20` is a read and a write: lose one of the additions."


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
    progress += 20
    if progress >= 20:
        event.signal()
    event.wait()


def second():
    global progress
    progress += 30
    if progress >= 30:
        event.signal()
    progress += 50
    if progress >= 80:
        event.signal()
    event.wait()


threading.Thread(target=first, name="first").start()
threading.Thread(target=second, name="second").start()
