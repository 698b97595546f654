"""ProcessPoolExecutor(3).map over fib(25) to fib(37): results in the order of the inputs.

The tutorial's example of section 4, repaired where the PDF damaged it (the indentation of
`fib`, the doubled braces of its format strings). Three worker processes compute the thirteen
numbers at once on the machine's cores; `map` hands the results back in the order of
`NUMBERS`. The tutorial printed COST: 15.116 s; its `multiprocessing.pool.Pool(3)` version
(multiprocessing_pool_twice.py), which calls `map` twice, took 26.731 s.
"""
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

ROW = 21

NUMBERS = range(25, 38)


def fib(n):
    if n <= 2:
        return 1
    return fib(n-1) + fib(n-2)


start = time.time()
with ProcessPoolExecutor(max_workers=3) as executor:
    for num, result in zip(NUMBERS, executor.map(fib, NUMBERS)):
        print('fib({}) = {}'.format(num, result))

print('COST: {}'.format(time.time() - start))
