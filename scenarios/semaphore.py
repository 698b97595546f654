"""Semaphore(3): five threads, never more than three inside at once.

The tutorial's semaphore.py (section 2.2.1). Five threads each take the semaphore, sleep a random
time up to 2 s while holding it, and give it back. The first three get in at once; the fourth and
fifth wait until someone leaves, so at no moment are more than three "acquire" lines open. Which
thread leaves first depends on the random sleeps, so the order changes with the seed.
"""
import time
from random import random
from threading import Thread, Semaphore

ROW = 3

sema = Semaphore(3)  # 3是信号量的初始值,省略的话,默认是1


def foo(tid):
    with sema:
        print('{} acquire sema'.format(tid))
        wait_time = random() * 2
        time.sleep(wait_time)
    print('{} release sema'.format(tid))


threads = []
for i in range(5):
    t = Thread(target=foo, args=(i,))
    threads.append(t)
    t.start()
for t in threads:
    t.join()
