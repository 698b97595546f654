"""Queues between processes: a producer and a consumer process, tasks in, results out.

The tutorial's example of section 3.3, repaired where the PDF damaged it (the missing `import
time`, `JoinableOueue`, the indentation). Every item crosses a pipe pickled: the consumer gets
copies, and the function `double` travels by name, found again in the consumer's own copy of
the program. `task_done` and `join` are JoinableQueue's (a plain Queue has neither). The main
process's `tasks_queue.join()` comes before the producer has put anything (it sleeps first), so
it returns at once; the processes' `join` is what waits.
"""
import time
from multiprocessing import Process, JoinableQueue, Queue
from random import random

ROW = 20

tasks_queue = JoinableQueue()
results_queue = Queue()


def double(n):
    return n * 2


def producer(in_queue):
    while 1:
        wt = random()
        time.sleep(wt)
        in_queue.put((double, wt))
        if wt > 0.9:
            in_queue.put(None)
            print('stop producer')
            break


def consumer(in_queue, out_queue):
    while 1:
        task = in_queue.get()
        if task is None:
            break
        func, arg = task
        result = func(arg)
        in_queue.task_done()
        out_queue.put(result)


processes = []
p = Process(target=producer, args=(tasks_queue,))
p.start()
processes.append(p)
p = Process(target=consumer, args=(tasks_queue, results_queue))
p.start()
processes.append(p)
tasks_queue.join()
for p in processes:
    p.join()
while 1:
    if results_queue.empty():
        break
    result = results_queue.get()
    print('Result:', result)
