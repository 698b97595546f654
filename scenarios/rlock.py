"""RLock: nested acquires by one thread; only the outermost release lets another thread in.

Section 2.2.3: the thread that holds an RLock may acquire it again without blocking, and must
release it as many times as it acquired it; only the outermost release() unlocks it. Here
`owner` takes the lock, takes it again inside a nested function, lets the inner hold go, and
keeps working before its outermost release. `other` asks for the lock meanwhile and gets it only
after that outermost release, never after the inner one. (With a plain Lock the nested acquire
would deadlock the owner against itself.)
"""
import time
import threading

ROW = 9

rlock = threading.RLock()


def log(msg):
    print('{:>5.2f}s {}: {}'.format(time.monotonic() - start, threading.current_thread().name, msg))


def inner():
    with rlock:  # the same thread again: does not block
        log('acquired again (nested), did not block')
        time.sleep(0.1)
    log('inner release done, but the lock is still held (count 1)')


def owner():
    with rlock:
        log('acquired the lock')
        time.sleep(0.1)
        inner()
        time.sleep(0.1)
        log('outermost release now')
    log('released: the lock is unlocked')


def other():
    time.sleep(0.05)
    log('waiting for the lock')
    with rlock:
        log('got the lock')


start = time.monotonic()
threads = [threading.Thread(target=owner, name='owner'),
           threading.Thread(target=other, name='other')]
for t in threads:
    t.start()
for t in threads:
    t.join()
