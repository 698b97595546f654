"""A library imported before the simulation started (here the standard library's
concurrent.futures, which binds the real threading as it is imported) tries to start a real OS
thread inside a simulated execution: simconc refuses, and the real modules come back after."""
import threading
from concurrent.futures import ThreadPoolExecutor   # imported here, long before any simulation

import simconc


def program():
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(print, "from a real thread")
    print("not reached")


result = simconc.run(program)
print(result.status)
print(result.error)
print("real threads alive afterwards:", threading.active_count())
