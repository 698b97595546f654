"""Dining philosophers who take their forks in one global order: the lower-numbered first.

The cure for scenarios/dining_philosophers.py: philosopher 2's forks are 2 and 0, and it takes 0
first, so every philosopher takes its forks in the same order and no cycle of waits can form.
"""
import threading

N = 3
forks = [threading.Lock() for _ in range(N)]


def philosopher(i):
    first, second = sorted((i, (i + 1) % N))
    with forks[first]:
        with forks[second]:
            print(f"philosopher {i} eats")


threads = [threading.Thread(target=philosopher, args=(i,), name=f"philosopher-{i}")
           for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
