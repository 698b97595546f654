"""The lost update with a call between the read and the write: it races on the GIL build too.

`lost_update.py` reads `self.value` and writes it back with nothing in between that could let
the GIL go, so on CPython 3.10 to 3.13's GIL build no update is ever lost. Here a call sits
between them, and CPython checks whether to hand the GIL over when a call returns: compare
`simconc explore FILE --switch-points gil` on both files.
"""
import threading


class Counter:
    def __init__(self):
        self.value = 0

    def increment(self):
        temp = self.value
        log(f"read {temp}")
        self.value = temp + 1


def log(message):
    pass   # a logger, a print, any call at all


counter = Counter()
threads = [threading.Thread(target=counter.increment) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter.value)


def check():
    assert counter.value == 2, f"an update was lost: the counter is {counter.value}, not 2"
