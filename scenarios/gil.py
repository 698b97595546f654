"""The GIL: fib(35) twice in a row, then in two threads, and the threads are no faster.

The tutorial's example of section 2.1, repaired where the PDF damaged it (the `return 1` of
`fib`, the lines of `timethis` that time and print, the indentation). Nothing in it says what it
costs: simconc counts its Python (each call of `fib` is a tick of the profile's `python_step`),
so under `tutorial-2017` each `fib(35)` computes for the 3.75 s it took on the author's machine.
Two threads get no speed-up: only the one holding the GIL computes, and every 5 ms (the switch
interval) the other, which waits for it, forces a hand-over that costs 185 us. The tutorial
printed 7.497 s and 7.774 s (a ratio of 1.037).
"""
import time
import threading

ROW = 2


def timethis(func):
    def wrapper(*args, **kwargs):
        start = time.time()
        result = func(*args, **kwargs)
        end = time.time()
        print("Func: {!r} Time: {}".format(func.__name__, end - start))
        return result
    return wrapper


def fib(n):
    if n <= 2:
        return 1
    return fib(n-1) + fib(n-2)


@timethis
def nothread():
    fib(35)
    fib(35)


@timethis
def hasthread():
    for i in range(2):
        t = threading.Thread(target=fib, args=(35,))
        t.start()
    main_thread = threading.current_thread()  # threading.main_thread()
    for t in threading.enumerate():
        if t is main_thread:
            continue
        t.join()


nothread()
hasthread()
