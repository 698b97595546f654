import threading

import pytest

from watch_lib import Watch


@pytest.mark.explore
def test_is_alive_both_ways():
    watch = Watch()
    watch.start()
    checker = threading.Thread(target=watch.check)
    checker.start()
    checker.join()
    watch.worker.join()
    # The checker can run before the worker ends (0) or after (1): a test that fails in
    # one of the two, to see whether both are explored.
    assert watch.seen_dead == 1
