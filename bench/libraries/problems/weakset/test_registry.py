import threading

import pytest

from registry_lib import Item, Registry


@pytest.mark.explore
@pytest.mark.parametrize("kind", ["set", "weak"])
def test_count_sees_the_add(kind):
    registry, item, counts = Registry(kind), Item(), []
    threads = [threading.Thread(target=registry.add, args=(item,)),
               threading.Thread(target=lambda: counts.append(registry.count()))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == [1]   # fails when the count comes first: a real interleaving
