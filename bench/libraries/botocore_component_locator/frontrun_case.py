"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import threading

import botocore.session

TRACE_PACKAGES = ["botocore*"]


class State:
    def __init__(self):
        self.session = botocore.session.Session()
        self.got = []
        self.lock = threading.Lock()


def worker(s):
    # (frontrun lets a worker's exception escape from explore() with no report, so the
    # exception is kept and the invariant checks it)
    try:
        s.got.append(s.session.get_component("data_loader"))
    except KeyError as exc:
        s.got.append(exc)


def locked_worker(s):
    with s.lock:
        worker(s)


CASES = {
    "test_two_threads_get_a_lazy_component": dict(
        setup=State, workers=[worker, worker], invariant=lambda s: not any(isinstance(g, KeyError) for g in s.got)),
    "test_two_threads_get_a_lazy_component_under_a_lock": dict(
        setup=State, workers=[locked_worker, locked_worker],
        invariant=lambda s: len(s.got) == 2 and s.got[0] is s.got[1]),
}
