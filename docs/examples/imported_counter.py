"""lost_update.py with its Counter imported from another module: exploration does not see the
reads and writes inside counter_lib.py, so it finds no lost update."""
import threading

from counter_lib import Counter

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
