import multiprocessing as mp

counter = 0
imported_as = __name__    # a spawned child imports this module afresh, as __mp_main__


def work(q, n):
    q.put((mp.current_process().name, counter + n, imported_as))


def where(n):
    return (n, imported_as, counter)


if __name__ == "__main__":
    mp.set_start_method("spawn")
    counter = 10          # a spawned child never sees this: it imports the module afresh
    q = mp.Queue()
    ps = [mp.Process(target=work, args=(q, n)) for n in (1, 2)]
    for p in ps:
        p.start()
    print(sorted(q.get() for _ in ps))
    for p in ps:
        p.join()
    print([p.exitcode for p in ps])
    with mp.get_context("forkserver").Pool(2) as pool:
        print(pool.map(where, [1, 2, 3]))
