"""Two processes add to a shared multiprocessing.Value, read then write: updates can be lost."""
import multiprocessing as mp


def add(total):
    value = total.value           # a step: the Value's lock taken and given back
    total.value = value + 1       # another one: the other process may have written between


def check():
    assert total.value == 2, f"lost an update: {total.value}"


total = mp.Value("i", 0)
if __name__ == "__main__":
    workers = [mp.Process(target=add, args=(total,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(total.value)
