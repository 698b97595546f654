"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import threading

import six

TRACE_PACKAGES = ["six"]


class State:
    def __init__(self):
        try:   # (the previous execution's move, if it was left resolved)
            six.remove_move("lazy_range")
        except AttributeError:
            pass
        six.add_move(six.MovedAttribute("lazy_range", "__builtin__", "builtins", "xrange",
                                        "range"))
        self.got = []
        self.lock = threading.Lock()


def worker(s):
    # (frontrun lets a worker's exception escape from explore() with no report: kept here)
    try:
        s.got.append(six.moves.lazy_range)
    except AttributeError as exc:
        s.got.append(exc)


def locked_worker(s):
    with s.lock:
        worker(s)


CASES = {
    "test_two_threads_use_a_moved_name": dict(
        setup=State, workers=[worker, worker], invariant=lambda s: s.got == [range, range]),
    "test_two_threads_use_a_moved_name_under_a_lock": dict(
        setup=State, workers=[locked_worker, locked_worker],
        invariant=lambda s: s.got == [range, range]),
}
