"""What a simulated program gets for `import threading, queue, time, random`."""
import queue
import random
import threading
import time

lock, rlock = threading.Lock(), threading.RLock()
cond = threading.Condition()
q = queue.Queue()
print(lock)
with rlock:
    print(rlock)
print(cond)
print(q)
print(threading.current_thread(), threading.main_thread() is threading.current_thread())

worker = threading.Thread(target=time.sleep, args=(0.25,))
print(worker)
worker.start()
print(worker)
worker.join()
print(worker)

print("time.time():", time.time(), time.strftime("%Y-%m-%d", time.gmtime(time.time())))
print("time.monotonic():", time.monotonic())
print("random.random():", random.random())

# CPython's exceptions, with CPython's messages.
for attempt in (lock.release, rlock.release, cond.wait, q.get_nowait,
                lambda: threading.BoundedSemaphore(1).release(),
                lambda: lock.acquire(False, 1)):
    try:
        attempt()
    except Exception as e:
        print("{}.{}{}".format(type(e).__module__, type(e).__name__, ": {}".format(e) if str(e) else ""))
