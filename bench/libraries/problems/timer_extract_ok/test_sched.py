import threading

import pytest

from sched_lib import Scheduler


@pytest.mark.explore
def test_two_touches():
    scheduler = Scheduler()
    errors = []

    def touch():
        try:
            scheduler.touch()
        except RuntimeError as exc:   # "threads can only be started once"
            errors.append(exc)

    threads = [threading.Thread(target=touch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    scheduler.timer.join()
    assert errors == []
