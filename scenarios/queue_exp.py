"""queue.Queue: a producer puts tasks, a consumer gets them; task_done() and join().

The tutorial's queue_exp.py (section 2.2.6), bounded. The producer sleeps a random time and puts
a task (a function and its argument) on the queue; the consumer gets each task, runs it, prints
the argument and the result, and calls task_done(). The tutorial's producer loops for ever; here
it puts 5 tasks. The consumer keeps the tutorial's endless loop, as a daemon thread, and the main
thread waits with q.join() until every task put has been marked done.
"""
import time
import threading
from random import random
import queue

ROW = 13

q = queue.Queue()


def double(n):
    return n * 2


def producer():
    for _ in range(5):  # the tutorial: while 1
        wt = random()
        time.sleep(wt)
        q.put((double, wt))


def consumer():
    while 1:
        task, arg = q.get()
        print(arg, task(arg))
        q.task_done()


threads = []
for target in (producer, consumer):
    t = threading.Thread(target=target, daemon=(target is consumer))
    t.start()
    threads.append(t)

threads[0].join()  # the producer has put every task,
q.join()           # and the consumer has called task_done() for each
print('all tasks done')
