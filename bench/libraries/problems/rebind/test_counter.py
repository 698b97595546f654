import threading

import pytest

from locked_pkg.counter import Counter


@pytest.mark.explore
def test_locked_increments():
    counter = Counter()
    threads = [threading.Thread(target=counter.increment) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.value == 2
