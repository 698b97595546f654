import threading

import pytest

from work_lib import Account

LOCK = threading.Lock()   # made when the module is imported: a real lock


def locked_deposit(account):
    with LOCK:
        account.deposit(10)


@pytest.mark.explore
def test_deposits_under_a_module_lock():
    account = Account()
    threads = [threading.Thread(target=locked_deposit, args=(account,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert account.balance == 20
