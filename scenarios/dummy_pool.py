"""multiprocessing.dummy.Pool(4) against map over 13 URLs: threads help IO-bound work.

The tutorial's section 3.2, repaired where the PDF damaged it (the lines of `timethis` that
time and print, the indentation). `map_run` fetches the 13 course pages one after the other;
`pool_run` fetches them with a pool of 4 threads (`multiprocessing.dummy` is the
`multiprocessing` API over threads). The simulated network serves the tutorial's pages with the
sizes it printed; each takes 0.39 s to answer and its 83 KB come at 10 Mbit/s, so `map_run`
takes the tutorial's 5.933 s, and four threads overlap their waits: 1.626 s, a ratio of 0.274
(the tutorial: 1.938 s, 0.327; docs/network.md says what could have cost its run the rest).
"""
import time
# from multiprocessing import Pool
from multiprocessing.dummy import Pool
from urllib.request import urlopen

ROW = 19

urls = ['http://www.edu2act.cn/course/?page=%s' % p
        for p in range(2, 15)]


def timethis(func):
    def wrapper(*args, **kwargs):
        start = time.time()
        result = func(*args, **kwargs)
        end = time.time()
        print("Func: {!r} Time: {}".format(func.__name__, end - start))
        return result
    return wrapper


@timethis
def map_run(urls):
    for r in map(urlopen, urls):
        print(len(r.read()))


@timethis
def pool_run(urls, processes=4):
    with Pool(processes=4) as pool:
        results = pool.map(urlopen, urls)
    for r in results:
        print(len(r.read()))


map_run(urls)
pool_run(urls)
