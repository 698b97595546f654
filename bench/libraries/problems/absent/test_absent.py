import threading

import pytest

from absent_lib import Box, read, write


@pytest.mark.explore
def test_read_races_with_first_write():
    box, seen = Box(), []
    threads = [threading.Thread(target=read, args=(box, seen)),
               threading.Thread(target=write, args=(box,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [1]   # fails when the read comes first
