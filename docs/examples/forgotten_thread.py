"""main ends, but a non-daemon thread still waits on a queue that nobody feeds."""
import queue
import threading

jobs = queue.Queue()


def consumer():
    while True:
        job = jobs.get()
        print("consumer: got", job)


threading.Thread(target=consumer, name="consumer").start()
jobs.put("only job")
print("main: done")
