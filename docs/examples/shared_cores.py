"""Three processes compute 10 s each on the 2-core machine: the OS shares the cores, so all
three end at 15 s; the machine's load average counts them."""
import multiprocessing
import os
import time

import simconc


def work(n):
    simconc.cpu(10)
    print(f"process {n} done at {time.monotonic():.1f} s")


if __name__ == "__main__":
    workers = [multiprocessing.Process(target=work, args=(n,)) for n in range(3)]
    for each in workers:
        each.start()
    time.sleep(12)
    print(f"at {time.monotonic():.1f} s the load is {os.getloadavg()}")
    for each in workers:
        each.join()
    print(f"all done at {time.monotonic():.1f} s")
