"""Account: an assertion reached only when the checker runs last (order violation).

Ported from SCTBench: CS/account_bad.c (concurrent-software-benchmarks, from the ESBMC suite).
Three threads share a balance under one lock: deposit adds y, withdraw subtracts z, and
check_result, once both are done, asserts balance == (x - y) - z, which is wrong (the deposit
added y). The assertion is only evaluated when check_result runs after both others, and it is
started first, so the bug needs the checker to be preempted or to lose the race for the lock.
Threads as in the original: check_result, deposit, withdraw (started in that order).
"""
import threading

SOURCE = "SCTBench CS/account_bad"
KIND = "order violation"


class State:
    def __init__(self):
        self.m = threading.Lock()
        self.x, self.y, self.z = 1, 2, 4
        self.balance = self.x
        self.deposit_done = False
        self.withdraw_done = False
        self.error = None


def setup():
    return State()


def deposit(s):
    with s.m:
        s.balance = s.balance + s.y
        s.deposit_done = True


def withdraw(s):
    with s.m:
        s.balance = s.balance - s.z
        s.withdraw_done = True


def check_result(s):
    with s.m:
        if s.deposit_done and s.withdraw_done:
            if s.balance != (s.x - s.y) - s.z:   # BAD
                s.error = f"balance is {s.balance}, not (x - y) - z = {(s.x - s.y) - s.z}"


THREADS = [check_result, deposit, withdraw]


def invariant(s):
    return s.error is None


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), f"check_result's assertion failed: {state.error}"
