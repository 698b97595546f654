"""A forked child starts from a copy of its parent's memory, and what it changes stays its own."""
import multiprocessing as mp
import os

counter = 0


def work(n):
    global counter
    counter += n
    print(f"{mp.current_process().name} (pid {os.getpid()}, parent {os.getppid()}): "
          f"counter {counter}")


if __name__ == "__main__":
    counter = 10                      # set before start(): both children see it
    children = [mp.Process(target=work, args=(n,)) for n in (1, 2)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    print(f"MainProcess (pid {os.getpid()}): counter {counter}, "
          f"exit codes {[child.exitcode for child in children]}")
