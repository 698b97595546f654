"""WorkerThread: a thread fed through its own input queue, stopped by a None sentinel.

Section 2.3's recommended style: organise a threaded program as independent tasks that talk
only through message queues. WorkerThread owns an input Queue; send() puts a message on it,
close() puts the None sentinel and join()s the queue, so it returns only once the worker has
processed every message and seen the sentinel. It prints Hello, then world, for every seed.
"""
import threading
from queue import Queue

ROW = 15


class WorkerThread(threading.Thread):
    def __init__(self, *args, **kwargs):
        threading.Thread.__init__(self, *args, **kwargs)
        self.input_queue = Queue()

    def send(self, item):
        self.input_queue.put(item)

    def close(self):
        self.input_queue.put(None)
        self.input_queue.join()

    def run(self):
        while True:
            item = self.input_queue.get()
            if item is None:
                break
            # process item
            print(item)
            self.input_queue.task_done()
        # finished
        self.input_queue.task_done()
        return


w = WorkerThread()
w.start()
w.send("Hello")
w.send("world")
w.close()
