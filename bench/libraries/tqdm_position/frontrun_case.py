"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import io
import threading

import tqdm

TRACE_PACKAGES = ["tqdm*"]
tqdm.tqdm.monitor_interval = 0


class State:
    def __init__(self):
        self.done = []
        self.lock = threading.Lock()


def worker(s):
    # (frontrun lets a worker's exception escape from explore() with no report: kept here)
    try:
        bar = tqdm.tqdm(total=2, file=io.StringIO())
        bar.update(2)
        bar.close()
        s.done.append(True)
    except AttributeError as exc:
        s.done.append(exc)


def locked_worker(s):
    with s.lock:
        worker(s)


CASES = {
    "test_two_threads_make_bars": dict(
        setup=State, workers=[worker, worker], invariant=lambda s: s.done == [True, True]),
    "test_two_threads_make_bars_under_a_lock": dict(
        setup=State, workers=[locked_worker, locked_worker],
        invariant=lambda s: s.done == [True, True]),
}
