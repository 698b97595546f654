import multiprocessing as mp
def add(d, l):
    d['x'] = 1
    l.append(2)
if __name__ == "__main__":
    with mp.Manager() as m:
        d, l = m.dict(), m.list()
        p = mp.Process(target=add, args=(d, l))
        p.start(); p.join()
        print(dict(d), list(l))
