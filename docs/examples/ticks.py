"""Counted Python: a call, a loop iteration and a comprehension's element each cost one tick
(the profile's python_step, 203.13 ns under tutorial-2017)."""
import time


def fib(n):
    if n <= 2:
        return 1
    return fib(n - 1) + fib(n - 2)


start = time.perf_counter()
fib(20)
print(f"fib(20), 13,529 calls:       {(time.perf_counter() - start) * 1e3:.4f} ms")

start = time.perf_counter()
for i in range(10_000):
    pass
print(f"a loop of 10,000 iterations: {(time.perf_counter() - start) * 1e3:.4f} ms")

start = time.perf_counter()
squares = [i * i for i in range(5_000)]
print(f"5,000 squares:               {(time.perf_counter() - start) * 1e3:.4f} ms")
