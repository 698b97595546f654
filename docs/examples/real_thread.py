"""Code that imported the real threading before the simulation started tries to start a real OS
thread inside a simulated execution: simconc refuses, and the real modules come back after."""
import threading   # the real module: imported here, long before any simulation

import simconc


def program():
    threading.Thread(target=print, args=("from a real thread",)).start()
    print("not reached")


result = simconc.run(program)
print(result.status)
print(result.error)
print("real threads alive afterwards:", threading.active_count())
