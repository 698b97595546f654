from threading import RLock


class Counter:
    def __init__(self):
        self.lock = RLock()
        self.value = 0

    def increment(self):
        with self.lock:
            value = self.value
            self.value = value + 1
