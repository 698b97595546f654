"""No lock: 100 threads read, sleep 1 ms, write back, and most updates are lost.

The tutorial's nolock.py (section 2.2.2), unchanged. Each thread reads `value`, sleeps 1 ms (a
chance for other threads to run), and writes back what it read plus one. Every thread that
starts while another is between its read and its write reads the same old value, so their
updates overwrite each other. Threads start about 0.1 ms apart (the cost of starting one), so
about ten of them share each value, and the program prints about 10 instead of 100 (the
tutorial's author saw 10). The exact number changes with the seed.
"""
import time
from threading import Thread

ROW = 5

value = 0


def getlock():
    global value
    new = value + 1
    time.sleep(0.001)  # 使用sleep让线程有机会切换
    value = new


threads = []
for i in range(100):
    t = Thread(target=getlock)
    t.start()
    threads.append(t)
for t in threads:
    t.join()
print(value)
