"""A tiny library with a thread-safety bug: deposits race; the transfers take a lock."""
from threading import Lock


class Account:
    def __init__(self, balance=0):
        self.balance = balance
        self.lock = Lock()

    def deposit(self, amount):
        # Not atomic: two deposits can both read the old balance.
        balance = self.balance
        self.balance = balance + amount

    def safe_deposit(self, amount):
        with self.lock:
            self.deposit(amount)
