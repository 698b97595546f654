"""try/finally and `with lock`: the lock is released even when the critical section raises.

Section 2.2.2: code that depends on a lock should release it when an exception happens. Two
threads use the tutorial's two forms, `try: lock.acquire() ... finally: lock.release()` and
`with lock:`; each one's critical section raises. The second thread, blocked on the lock, still
gets it, and afterwards the lock is free. A third thread releases "by hand" after its critical
section, without finally: its exception skips the release, the lock stays locked for good, and
the main thread's acquire(timeout=1) gives up after a second.
"""
import time
import threading
from threading import Thread, Lock

ROW = 7

lock = Lock()


def statements(name):
    print('{}: in the critical section'.format(name))
    time.sleep(0.1)
    raise RuntimeError('{} failed inside the critical section'.format(name))


def try_finally():
    name = threading.current_thread().name
    try:
        lock.acquire()
        # 关键代码部分
        statements(name)
    finally:
        lock.release()


def with_lock():
    name = threading.current_thread().name
    with lock:
        # 关键代码部分
        statements(name)


def no_finally():
    name = threading.current_thread().name
    lock.acquire()
    statements(name)
    lock.release()  # never reached: the exception skips it


def catching(target):
    """Run target, reporting its exception instead of letting the thread die of it."""
    def run():
        try:
            target()
        except RuntimeError as e:
            print('{}: caught RuntimeError: {}'.format(threading.current_thread().name, e))
    return run


threads = [Thread(target=catching(try_finally), name='try-finally'),
           Thread(target=catching(with_lock), name='with-lock')]
for t in threads:
    t.start()
for t in threads:
    t.join()
print('after try/finally and with: lock.locked() = {}'.format(lock.locked()))

t = Thread(target=catching(no_finally), name='no-finally')
t.start()
t.join()
print('after no-finally: lock.locked() = {}'.format(lock.locked()))
if lock.acquire(timeout=1):
    print('main: got the lock')
    lock.release()
else:
    print('main: acquire(timeout=1) gave up: nobody will ever release the lock')
