"""multiprocessing.pool.Pool(3) over fib(25) to fib(37), with `map` called twice by mistake.

The tutorial's example of section 4, repaired where the PDF damaged it (the indentation). Its
`results = pool.map(fib, NUMBERS)` computes every number once, and the loop's
`zip(NUMBERS, pool.map(fib, NUMBERS))` computes them all again: the tutorial printed COST:
26.731 s, about 1.7 times the 15.116 s of ProcessPoolExecutor (executor_processes.py), which
maps once. The pool is never closed: at the program's exit multiprocessing's exit function
terminates its workers, as CPython's does.
"""
import time
from multiprocessing.pool import Pool

ROW = 25

NUMBERS = range(25, 38)


def fib(n):
    if n <= 2:
        return 1
    return fib(n-1) + fib(n-2)


start = time.time()

pool = Pool(3)
results = pool.map(fib, NUMBERS)
for num, result in zip(NUMBERS, pool.map(fib, NUMBERS)):
    print('fib({}) = {}'.format(num, result))

print('COST: {}'.format(time.time() - start))
