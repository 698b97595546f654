"""A consumer that decides whether to get() from queue.empty() and a done flag (check-then-act).

Not a port of one file: the misuse of Queue.empty() that the queue module's documentation
warns about ("if empty() returns False it doesn't guarantee that a subsequent call to get()
will not block"). The producer puts 2 items and then sets done; the consumer loops while not
(done and queue empty) and calls a blocking get(). If the consumer takes the last item,
checks done before the producer sets it, and calls get() again, it blocks for ever on an empty
queue (a deadlock). One producer and one consumer.
"""
import queue
import threading

SOURCE = "pattern: Queue.empty() check"
KIND = "check-then-act, deadlock"

ITEMS = 2


class State:
    def __init__(self):
        self.q = queue.Queue()
        self.done = False
        self.consumed = []


def setup():
    return State()


def producer(s):
    for i in range(ITEMS):
        s.q.put(i)
    s.done = True


def consumer(s):
    while not (s.done and s.q.empty()):   # BAD: checked, then acted on
        s.consumed.append(s.q.get())


THREADS = [producer, consumer]


def invariant(s):
    return s.consumed == list(range(ITEMS))   # the bug is the deadlock


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), f"consumed {state.consumed}"
