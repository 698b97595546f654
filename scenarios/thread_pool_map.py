"""multiprocessing.pool.ThreadPool: a pool of reused threads; map prints 0 1 4 9 16.

The tutorial's section 2.4, unchanged: `ThreadPool(5).map(lambda x: print(x**2), range(5))`. Five
threads of the pool take the five calls; `map` returns once all are done. Which thread prints
first is up to the scheduler, so the order of the lines is the seed's; each number appears
once. The pool is never closed, as in the tutorial: its threads are daemons, and the program
ends when the main thread does.
"""
from multiprocessing.pool import ThreadPool

ROW = 16

pool = ThreadPool(5)
pool.map(lambda x: print(x**2), range(5))
