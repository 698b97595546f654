import threading

import pytest

from lazy_attr import Holder, SelfRemoving


def read(holder, got):
    try:
        got.append(holder.x)
    except AttributeError:
        got.append("AttributeError")


@pytest.mark.explore
def test_two_readers():
    Holder.x = SelfRemoving("x")
    holder, got = Holder(), []
    threads = [threading.Thread(target=read, args=(holder, got)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [42, 42]
