"""The lost update: two threads increment a shared counter, read then write; one update can vanish.

Under `simconc run` the threads rarely overlap here: nothing in `increment` blocks. Under
`simconc explore` every read and write is a step, and exploration finds the schedule where both
threads read 0 before either writes: the check fails, and its token replays that schedule.
"""
import threading


class Counter:
    def __init__(self):
        self.value = 0

    def increment(self):
        temp = self.value
        self.value = temp + 1


counter = Counter()


def worker():
    counter.increment()


threads = [threading.Thread(target=worker) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter.value)


def check():
    assert counter.value == 2, f"an update was lost: the counter is {counter.value}, not 2"
