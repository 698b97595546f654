"""Three threads add one to a shared counter, with a sleep between the read and the write."""
import threading
import time

value = 0


def work():
    global value
    new = value + 1
    time.sleep(0.001)   # between the read and the write: others may run
    value = new


threads = [threading.Thread(target=work) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("value", value)
