"""Dining philosophers: each takes the fork on the left, then the one on the right.

Most schedules finish; the one where every philosopher holds a left fork is a deadlock.
`simconc explore` finds it and names the wait-for cycle.
"""
import threading

N = 3
forks = [threading.Lock() for _ in range(N)]


def philosopher(i):
    left, right = forks[i], forks[(i + 1) % N]
    with left:
        with right:
            print(f"philosopher {i} eats")


threads = [threading.Thread(target=philosopher, args=(i,), name=f"philosopher-{i}")
           for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
