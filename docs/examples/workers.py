"""Worker threads take items from a queue: how many of each from the command line, as
`python workers.py WORKERS ITEMS [-v]` takes them."""
import argparse
import queue
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("workers", type=int)
parser.add_argument("items", type=int)
parser.add_argument("-v", "--verbose", action="store_true")
options = parser.parse_args()

items = queue.Queue()
for item in range(options.items):
    items.put(item)
taken = {}


def work():
    name = threading.current_thread().name
    while True:
        try:
            item = items.get_nowait()
        except queue.Empty:
            return
        time.sleep(0.01)   # (the work: it lets the GIL go)
        taken[name] = taken.get(name, 0) + 1
        if options.verbose:
            print(f"{name} took {item}")


threads = [threading.Thread(target=work, name=f"w{n}") for n in range(options.workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"{options.workers} workers took {options.items} items: {sorted(taken.values())}")
