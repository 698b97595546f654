import threading


class Watch:
    def __init__(self):
        self.seen_dead = 0
        self.worker = None

    def start(self):
        self.worker = threading.Thread(target=self.job)
        self.worker.start()

    def job(self):
        pass

    def check(self):
        if not self.worker.is_alive():
            self.seen_dead += 1
