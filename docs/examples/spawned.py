"""A spawned child imports the main module afresh: it sees the globals the module sets."""
import multiprocessing as mp

counter = 0


def report(queue):
    queue.put((mp.current_process().name, counter, __name__))


if __name__ == "__main__":
    mp.set_start_method("spawn")
    counter = 10                      # the parent's: a spawned child never sees it
    queue = mp.Queue()
    children = [mp.Process(target=report, args=(queue,)) for _ in range(2)]
    for child in children:
        child.start()
    print(sorted(queue.get() for _ in children))
    for child in children:
        child.join()
