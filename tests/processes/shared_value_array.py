import multiprocessing as mp
def add(v, arr, lock):
    for _ in range(100):
        with lock:
            v.value += 1
    arr[0] += 5
if __name__ == "__main__":
    v = mp.Value('i', 0)
    arr = mp.Array('d', [1.0, 2.0])
    lock = mp.Lock()
    ps = [mp.Process(target=add, args=(v, arr, lock)) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
    print(v.value, arr[:])
