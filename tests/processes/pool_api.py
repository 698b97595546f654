import multiprocessing as mp


def square(x):
    return x * x


def add(a, b):
    return a + b


def boom(x):
    if x == 3:
        raise ValueError("three")
    return x


if __name__ == "__main__":
    with mp.Pool(3) as pool:
        print(pool.map(square, range(10)))
        print(list(pool.imap(square, range(5))))
        print(sorted(pool.imap_unordered(square, range(5))))
        print(pool.apply(add, (2, 3)))
        r = pool.apply_async(add, (4, 5))
        print(r.get(timeout=10), r.ready(), r.successful())
        print(pool.starmap(add, [(1, 2), (3, 4)]))
        print(pool.map_async(square, [7, 8]).get())
        try:
            pool.map(boom, range(5))
        except ValueError as e:
            print("ValueError", e)
        try:
            pool.map(lambda x: x, [1])
        except Exception as e:
            print(type(e).__name__, e)
    pool = mp.Pool(2, maxtasksperchild=1)
    print(pool.map(square, range(6), chunksize=1))
    pool.close()
    pool.join()
    print("closed")
