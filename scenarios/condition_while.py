"""Condition: why wait() goes in a while loop: a woken thread can find the item gone.

Section 2.2.5's template for a condition variable: the consumer waits in
`while not item_is_available(): cv.wait()`, not in an `if`. A notified thread does not run at
once: it must first take the condition's lock back, and meanwhile another thread may take the
item. Here the producer sometimes makes two items in a row, notifying once for each, so both
consumers wake; whichever gets the lock (and the GIL) first takes both items, and the other
finds nothing left, says so, and goes back to waiting. With `if` instead of `while` it would go
on to `items.pop(0)` on an empty list and die of an IndexError. Which consumer loses depends on
the seed; so does whether any batch has two items.

The tutorial's loops run for ever; here the producer makes 4 batches, then sets `done`.
"""
import time
import threading
from random import randint

ROW = 12

cv = threading.Condition()
items = []
done = False


def item_is_available():
    return len(items) > 0


def produce_item(n):
    items.append(n)
    print('producer: made item {}'.format(n))


def consume_item(item):
    print('{}: consumed item {}'.format(threading.current_thread().name, item))


def producer():
    global done
    n = 0
    for batch in range(4):
        time.sleep(1)
        for _ in range(randint(1, 2)):  # one item, or two in a row
            cv.acquire()
            n += 1
            produce_item(n)
            cv.notify()
            cv.release()
    cv.acquire()
    done = True
    cv.notify_all()
    cv.release()


def consumer():
    name = threading.current_thread().name
    while True:
        cv.acquire()
        while not item_is_available():
            if done:
                break
            cv.wait()  # Wait for an item to show up
            if not item_is_available() and not done:
                print('{}: woken up, but the item is gone: waiting again'.format(name))
        if not item_is_available():  # done, and nothing left
            cv.release()
            break
        item = items.pop(0)
        cv.release()
        consume_item(item)


threads = [threading.Thread(target=consumer, name=name) for name in ('consumer1', 'consumer2')]
threads.append(threading.Thread(target=producer, name='producer'))
for t in threads:
    t.start()
for t in threads:
    t.join()
