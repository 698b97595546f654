import multiprocessing as mp


def echo(conn):
    while True:
        msg = conn.recv()
        if msg is None:
            break
        conn.send(("echo", msg))
    conn.close()


def count(lock, q, n):
    for i in range(n):
        with lock:
            q.put(i)


if __name__ == "__main__":
    a, b = mp.Pipe()
    p = mp.Process(target=echo, args=(b,))
    p.start()
    for m in [1, "two", [3]]:
        a.send(m)
        print(a.recv())
    a.send(None)
    p.join()
    print(a.poll(), p.exitcode)
    r, w = mp.Pipe(duplex=False)
    try:
        r.send(1)
    except OSError as e:
        print("OSError", e)
    lock, q = mp.Lock(), mp.Queue()
    ps = [mp.Process(target=count, args=(lock, q, 3)) for _ in range(2)]
    for p in ps:
        p.start()
    got = sorted(q.get() for _ in range(6))
    for p in ps:
        p.join()
    print(got, q.empty())
    jq = mp.JoinableQueue()
    print(hasattr(mp.Queue(), "task_done"), hasattr(jq, "task_done"))
    jq.put(1)
    print(jq.get())
    jq.task_done()
    jq.join()
    try:
        jq.task_done()
    except ValueError as e:
        print("ValueError", e)
    s = mp.SimpleQueue()
    s.put({"k": [1, 2]})
    print(s.get(), s.empty())
    rl = mp.RLock()
    with rl:
        with rl:
            print("rlock reentrant")
    sem = mp.Semaphore(2)
    print(sem.acquire(), sem.acquire(), sem.acquire(False))
    b2 = mp.BoundedSemaphore(1)
    b2.acquire(); b2.release()
    try:
        b2.release()
    except ValueError as e:
        print("ValueError", e)
    ev = mp.Event()
    print(ev.is_set(), ev.wait(0.01))
    ev.set()
    print(ev.wait())
    # (a semaphore's value as the C module converts it, and sem_open refuses it)
    for value in (-1, 2 ** 31 - 1, 2 ** 31, 1.5):
        try:
            print(value, mp.Semaphore(value).get_value())
        except (OSError, OverflowError, TypeError) as e:
            print(value, type(e).__name__, e)
