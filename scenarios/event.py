"""Event: a producer and two consumers, and the race between wait() and clear().

The tutorial's event.py (section 2.2.4), bounded: producer1 appends a random int every second
and sets the event; consumer1 and consumer2 wait(2) for it, pop an item and clear() the event.
The tutorial warns that this is unreliable: if the producer sets the event for a new item after
a consumer's wait() returned but before its clear(), that clear() wipes the signal, and nobody
is told about the new item. Here each consumer takes a random time (up to 2.5 s) to handle its
item before it clears the event, so the window is wide. When both consumers are inside it as an
item arrives, the first to finish clears the event and reports the item it leaves behind
("... is still in the list: no one is woken for it"); the item then waits for the next set() or
for a consumer's wait(2) to time out. For some seeds that never happens, for others it does.

Changes to the tutorial's code: the loops are bounded (8 items; a consumer stops when it times
out after the producer is done), a consumer handles each item before clear(), a consumer that
is woken but finds the list empty also clears the event (the tutorial's `pass` would spin while
the other consumer handles its item with the event still set), and a timed-out wait looks at
the list, and copes when the other consumer takes the item first (`simconc explore` finds it).
"""
import time
import threading
from random import randint, random

ROW = 10

TIMEOUT = 2
ITEMS = 8
producing = True


def consumer(event, l):
    t = threading.current_thread()
    while 1:
        event_is_set = event.wait(TIMEOUT)
        if event_is_set:
            try:
                integer = l.pop()
                print('{} popped from list by {}'.format(integer, t.name))
                time.sleep(random() * 2.5)  # handle the item, between wait() and clear()
                event.clear()  # 重置事件状态
                if l:
                    print('{} cleared the event, but {} is still in the list: '
                          'no one is woken for it'.format(t.name, l))
            except IndexError:  # 为了让刚启动时容错
                print('{} woke up to an empty list'.format(t.name))
                event.clear()
        elif l:
            try:
                integer = l.pop()
            except IndexError:  # the other consumer took it since: simconc explore finds this
                continue
            print('{} popped from list by {} after its wait({}) timed out'.format(
                integer, t.name, TIMEOUT))
        elif not producing:
            break


def producer(event, l):
    global producing
    t = threading.current_thread()
    for i in range(ITEMS):
        integer = randint(10, 100)
        l.append(integer)
        print('{} appended to list by {}'.format(integer, t.name))
        event.set()  # 设置事件
        time.sleep(1)
    producing = False


event = threading.Event()
l = []
threads = []
for name in ('consumer1', 'consumer2'):
    t = threading.Thread(name=name, target=consumer, args=(event, l))
    t.start()
    threads.append(t)

p = threading.Thread(name='producer1', target=producer, args=(event, l))
p.start()
threads.append(p)

for t in threads:
    t.join()
