"""A thread pool: 5 threads reused for every task, built from threading and queue.Queue.

Section 2.4: creating and destroying a thread per task is wasteful; a pool keeps a few threads
and hands them task after task. The tutorial uses multiprocessing.pool.ThreadPool, which simconc
does not simulate yet (multiprocessing is a later milestone), so this scenario builds a small
ThreadPool of its own with the same map() and with-statement (and runs the same way under plain
python). As in the tutorial, ThreadPool(5).map(lambda x: print(x**2), range(5)) prints
0 1 4 9 16. Tasks this short all run on the first worker to get the GIL, one after another, so
here they always print in that order; under plain python another worker may get one first.
Then 10 tasks that each block for 10 ms run on the same pool: its 5 threads take two each, so
they take about 20 ms in all; map returns the results in the order of its inputs, and no new
thread is started for them.
"""
import time
import threading
import queue

ROW = 16


class ThreadPool:
    """A reduced multiprocessing.pool.ThreadPool: `processes` threads fed from one task queue."""

    def __init__(self, processes):
        self._tasks = queue.Queue()
        self._threads = []
        for i in range(processes):
            t = threading.Thread(target=self._worker, name='PoolWorker-{}'.format(i + 1),
                                 daemon=True)
            t.start()
            self._threads.append(t)

    def _worker(self):
        while True:
            task = self._tasks.get()
            if task is None:  # close(): no more tasks
                break
            func, arg, index, results = task
            try:
                results.put((index, True, func(arg)))
            except Exception as e:
                results.put((index, False, e))

    def map(self, func, iterable):
        """func applied to every item, computed by the pool's threads; results in input order."""
        items = list(iterable)
        results = queue.Queue()
        for index, arg in enumerate(items):
            self._tasks.put((func, arg, index, results))
        out = [None] * len(items)
        error = None
        for _ in items:
            index, ok, value = results.get()
            if ok:
                out[index] = value
            elif error is None:
                error = value
        if error is not None:
            raise error
        return out

    def close(self):
        for _ in self._threads:
            self._tasks.put(None)

    def join(self):
        for t in self._threads:
            t.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        self.join()


def task(x):
    time.sleep(0.01)  # a little blocking IO
    return x**2, threading.current_thread().name


pool = ThreadPool(5)
pool.map(lambda x: print(x**2), range(5))
# [0, 1, 4, 9, 16]
with ThreadPool(5) as pool:
    pool.map(lambda x: print(x**2), range(5))
    # [0, 1, 4, 9, 16]
    before = threading.active_count()
    start = time.monotonic()
    results = pool.map(task, range(10))
    took = time.monotonic() - start
    print('map returns in input order: {}'.format([square for square, _ in results]))
    print('10 tasks of 10 ms ran on {} threads in {:.0f} ms; threads alive before: {}, '
          'after: {}'.format(len(set(name for _, name in results)), took * 1000, before,
                             threading.active_count()))
