"""submit and as_completed with fib(34) raising: the exception comes out of future.result();
with map, it stops the iteration.

The tutorial's example of section 4, repaired where the PDF damaged it (its indentation). Five
`fib` calls go to a pool of three threads. With `submit`, each future's exception is raised by
its `result()`, where the loop catches it and goes on: `raise an exception: Don't do this`
among the results, in the order they complete. With `map`, the results come in input order,
and the exception is raised where the iteration reaches it: the loop, and the program, stop
there, with the exception's traceback. Each `fib` costs its counted CPU time
([cpu-time.md](../docs/cpu-time.md)), so the smaller numbers complete first.
"""
from concurrent.futures import ThreadPoolExecutor, as_completed

ROW = 23

NUMBERS = range(30, 35)


def fib(n):
    if n == 34:
        raise Exception("Don't do this")
    if n <= 2:
        return 1
    return fib(n-1) + fib(n-2)


with ThreadPoolExecutor(max_workers=3) as executor:
    future_to_num = {executor.submit(fib, num): num for num in NUMBERS}
    for future in as_completed(future_to_num):
        num = future_to_num[future]
        try:
            result = future.result()
        except Exception as e:
            print('raise an exception: {}'.format(e))
        else:
            print('fib({}) = {}'.format(num, result))

with ThreadPoolExecutor(max_workers=3) as executor:
    for num, result in zip(NUMBERS, executor.map(fib, NUMBERS)):
        print('fib({}) = {}'.format(num, result))
