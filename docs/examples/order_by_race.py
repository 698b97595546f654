"""Which order a worker takes two locks in depends on a race: no execution takes both orders.

`flag` is set by one thread and read by another, unsynchronised. When the worker reads it set, it
takes `a` then `b`; when it reads it clear, `b` then `a`. Each execution takes the locks in one
order only, so no single run's lock-order graph has a cycle; the union of the graphs of every
execution `simconc explore` runs does.
"""
import threading

a = threading.Lock()
b = threading.Lock()
flag = False


def setter():
    global flag
    flag = True


def worker():
    first, second = (a, b) if flag else (b, a)
    with first:
        with second:
            pass


threads = [threading.Thread(target=setter, name="setter"),
           threading.Thread(target=worker, name="worker")]
for t in threads:
    t.start()
for t in threads:
    t.join()
