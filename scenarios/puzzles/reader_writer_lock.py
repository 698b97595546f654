"""Reader-writer lock: many readers at once, or one writer; the readers' count is the flaw.

A readers-writer lock as it is often first written: the first reader in takes the lock for all
the readers, the last one out releases it, and the writer takes it alone. The readers count
themselves without a lock of their own. A reader checks that the record it reads is whole
(the writer writes its two halves one after the other).
"""
import threading

ORDER = 19
GOAL = "exception"
FEWEST = 12
HINT = ("Between a reader counting itself in and checking whether it is the first, another "
        "reader can count itself in too.")


class ReadWriteLock:
    def __init__(self):
        self.readers = 0
        self.lock = threading.Lock()   # held by the writer, or by the readers together

    def acquire_read(self):
        self.readers += 1
        if self.readers == 1:
            self.lock.acquire()

    def release_read(self):
        self.readers -= 1
        if self.readers == 0:
            self.lock.release()

    def acquire_write(self):
        self.lock.acquire()

    def release_write(self):
        self.lock.release()


rw = ReadWriteLock()
record = [0, 0]


def reader():
    rw.acquire_read()
    first, second = record[0], record[1]
    assert first == second, f"read half a write: {first}, {second}"
    rw.release_read()


def writer():
    rw.acquire_write()
    record[0] = 1
    record[1] = 1
    rw.release_write()


threading.Thread(target=reader, name="reader1").start()
threading.Thread(target=reader, name="reader2").start()
threading.Thread(target=writer, name="writer").start()
