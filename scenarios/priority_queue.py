"""PriorityQueue: 6 random priorities go in in any order and come out smallest first.

The tutorial's priority_queue.py (section 2.2.6). The producer puts six (priority, func, arg)
tuples with random priorities at once; a second later the consumer starts and gets them one by
one (slowly, 0.1 s each): lowest number, highest priority, first. The numbers change with the
seed; the order they come out in is always sorted.
"""
import time
import threading
from random import randint
from queue import PriorityQueue

ROW = 14

q = PriorityQueue()


def double(n):
    return n * 2


def producer():
    count = 0
    while 1:
        if count > 5:
            break
        pri = randint(0, 100)
        print('put :{}'.format(pri))
        q.put((pri, double, pri))  # (priority, func, args)
        count += 1


def consumer():
    while 1:
        if q.empty():
            break
        pri, task, arg = q.get()
        print('[PRI:{}] {} * 2 = {}'.format(pri, arg, task(arg)))
        q.task_done()
        time.sleep(0.1)


t = threading.Thread(target=producer)
t.start()
time.sleep(1)
t = threading.Thread(target=consumer)
t.start()
