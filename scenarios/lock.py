"""Lock: the same 100 threads under a Lock lose no update and always print 100.

The tutorial's lock.py (section 2.2.2): nolock.py with the read, the sleep and the write inside
`with lock:`. Only one thread at a time is between its read and its write, so no update is lost,
whatever the seed. The price: the threads now take turns, 1 ms each, so the run takes about
100 ms instead of about 10 ms.
"""
import time
from threading import Thread, Lock

ROW = 6

value = 0
lock = Lock()


def getlock():
    global value
    with lock:
        new = value + 1
        time.sleep(0.001)
        value = new


threads = []
for i in range(100):
    t = Thread(target=getlock)
    t.start()
    threads.append(t)
for t in threads:
    t.join()
print(value)
