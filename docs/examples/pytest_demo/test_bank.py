import threading

import pytest

from bank import Account


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.explore
def test_deposits():
    account = Account()
    run_all(lambda: account.deposit(10), lambda: account.deposit(20))
    assert account.balance == 30


@pytest.mark.explore
def test_safe_deposits():
    account = Account()
    run_all(lambda: account.safe_deposit(10), lambda: account.safe_deposit(20))
    assert account.balance == 30
