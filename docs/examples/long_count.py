"""Two threads each add 3,000 to a counter, one `counter += 1` at a time: a long program
(more than 12,000 steps an execution), not a livelock, and the lost update it hides."""
import threading

counter = 0
N = 3_000


def work():
    global counter
    for _ in range(N):
        counter += 1


threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)


def check():
    assert counter == 2 * N, f"{2 * N - counter} updates were lost"
