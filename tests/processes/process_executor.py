import concurrent.futures as cf
import os


def square(x):
    return x * x


def boom():
    raise KeyError("nope")


def die():
    os._exit(1)


if __name__ == "__main__":
    with cf.ProcessPoolExecutor(max_workers=2) as ex:
        fs = [ex.submit(square, i) for i in range(5)]
        print(sorted(f.result() for f in cf.as_completed(fs)))
        print(list(ex.map(square, range(6), chunksize=2)))
        f = ex.submit(boom)
        print(type(f.exception()).__name__, f.exception())
        done, not_done = cf.wait(fs, return_when=cf.ALL_COMPLETED)
        print(len(done), len(not_done))
        try:
            ex.submit(lambda: 1).result()
        except Exception as e:
            print(type(e).__name__)
    ex = cf.ProcessPoolExecutor(max_workers=1)
    f = ex.submit(die)
    try:
        f.result()
    except Exception as e:
        print(type(e).__name__, e)
    ex.shutdown()
