"""simconc from Python: run a scenario file, then a callable, and look at the results."""
import sys
import threading

import simconc

# A scenario file, with a seed.
result = simconc.run("scenarios/nolock.py", seed=3)
print(result.status, result.ok, repr(result.stdout), result.threads, result.profile)
print("elapsed {:.6f} s, schedule {}".format(result.elapsed, result.schedule))
print("value in the program's namespace:", result.namespace["value"])

# The same execution again, from its schedule token.
again = simconc.run("scenarios/nolock.py", schedule=result.schedule)
print("replayed:", again.stdout == result.stdout, again.elapsed == result.elapsed, again.seed)


# A callable runs as the simulated main thread. While it runs, `import threading` (and
# _thread, queue, time, random) finds simconc's face in sys.modules.
def program():
    import threading
    import time

    def worker():
        time.sleep(0.5)
        raise KeyError("missing")

    start = time.monotonic()
    t = threading.Thread(target=worker, name="worker")
    t.start()
    t.join()
    print("main waited", time.monotonic() - start, "s of simulated time")


result = simconc.run(program, seed=1, profile="ideal")
print(result.status, repr(result.stdout))
print(result.exceptions)
lines = result.stderr.splitlines()
print(lines[0], "...", lines[-1])
# ... and afterwards the real modules are back.
print(sys.modules["threading"] is threading)

# The trace: every visible operation, with its simulated time, thread and line.
for event in result.trace:
    print(event.format())

# Stop a program that never ends at a simulated time.
def forever():
    import time
    while True:
        time.sleep(1)

print(simconc.run(forever, until=10).status)
