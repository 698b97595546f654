"""A forked child's copies of closures: a nested function that calls itself, and two that
share a variable (the child's copies share the child's copy of it)."""
import multiprocessing as mp


def make():
    total = 0

    def add(n):
        nonlocal total
        total += n

    def get():
        return total

    def factorial(n):
        return 1 if n <= 1 else n * factorial(n - 1)

    return add, get, factorial


def child(add, get, factorial):
    add(5)
    print("child", get(), factorial(6))


if __name__ == "__main__":
    add, get, factorial = make()
    add(1)
    p = mp.get_context("fork").Process(target=child, args=(add, get, factorial))
    p.start()
    p.join()
    add(2)
    print("parent", get(), factorial(5), p.exitcode)
