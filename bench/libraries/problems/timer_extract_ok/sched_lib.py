import threading


class Scheduler:
    """limits' MemoryStorage.__schedule_expiry, alone."""

    def __init__(self):
        self.expired = 0
        self.timer = threading.Timer(0.01, self.expire)
        self.timer.start()

    def expire(self):
        self.expired += 1

    def touch(self):
        if not self.timer.is_alive():
            self.timer = threading.Timer(0.01, self.expire)
            self.timer.start()
