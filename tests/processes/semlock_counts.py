"""Each process keeps its own count of a multiprocessing lock's acquires (CPython's SemLock count):
what its repr says of the owner, in the parent, a thread of it, and a child."""
import multiprocessing as mp, threading

def child(lock, rlock, sem):
    print("child", lock, rlock, sem._semlock._count(), lock._semlock._is_mine())
    sem.release()
    print("child count after releasing", sem._semlock._count())

if __name__ == "__main__":
    ctx = mp.get_context("fork")
    lock, rlock, sem = ctx.Lock(), ctx.RLock(), ctx.Semaphore(1)
    lock.acquire(); rlock.acquire(); rlock.acquire(); sem.acquire()
    print("parent", lock, rlock, sem._semlock._count())
    p = ctx.Process(target=child, args=(lock, rlock, sem))
    p.start(); p.join()
    print("parent after", sem._semlock._count(), sem.get_value())
    t = threading.Thread(target=lambda: print("thread", lock, rlock))
    t.start(); t.join()
