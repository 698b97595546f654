"""Two threads add to a total under a lock, each holding it for a millisecond."""
import threading
import time

lock = threading.Lock()
total = 0


def add():
    global total
    with lock:
        time.sleep(0.001)
        total += 1


threads = [threading.Thread(target=add) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(total)
