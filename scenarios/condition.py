"""Condition: c1 and c2 wait; p calls notify_all() and both consumers wake after it.

The tutorial's condition.py (section 2.2.5). c1 starts and waits on the condition, then c2, a
second later; then p takes the condition, prints, and wakes every waiter with notify_all(). The
producer always prints first. Both consumers then wake, but each must take the condition's lock
again before its wait() returns, and which of them gets it (and the GIL) first is up to the
operating system: the tutorial saw c2 before c1; here the order depends on the seed.
"""
import time
import threading

ROW = 11


def consumer(cond):
    t = threading.current_thread()
    with cond:
        # wait()方法创建了一个名为waiter的锁,并且设置锁的状态为locked。
        # 这个waiter锁用于线程间的通讯
        cond.wait()
        print('{}: Resource is available to consumer'.format(t.name))


def producer(cond):
    t = threading.current_thread()
    with cond:
        print('{}: Making resource available'.format(t.name))
        cond.notify_all()  # 释放waiter锁, 唤醒消费者


condition = threading.Condition()
c1 = threading.Thread(name='c1', target=consumer, args=(condition,))
c2 = threading.Thread(name='c2', target=consumer, args=(condition,))
p = threading.Thread(name='p', target=producer, args=(condition,))
c1.start()
time.sleep(1)
c2.start()
time.sleep(1)
p.start()
