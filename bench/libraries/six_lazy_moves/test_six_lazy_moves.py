"""six 1.7.3: ``AttributeError`` from ``six.moves.<name>`` used from two threads at once.

``six.moves`` resolves each moved name lazily: the name is a ``_LazyDescr`` on the class of the
``six.moves`` module, whose ``__get__`` imports the target, stores it on the module
(``setattr(obj, self.name, result)``) and removes itself from the class
(``delattr(obj.__class__, self.name)``). Two threads using the same moved name for the first
time both find the descriptor and both run ``__get__``; the second ``delattr`` finds the
descriptor gone and raises ``AttributeError: <name>`` (benjaminp/six#98, "Periodically able to
cause moved functions to fail delattr()", with six 1.7.3; fixed in six 1.9.0, which catches the
``AttributeError``; botocore vendored six and hit it too: boto/botocore#1227).

``six.moves`` resolves each name once per process, so the test adds a moved name of its own
for each execution (``six.add_move``) and removes it afterwards.
"""
import threading

import pytest

import six


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def use(got):
    got.append(six.moves.lazy_range)


@pytest.mark.explore
def test_two_threads_use_a_moved_name():
    six.add_move(six.MovedAttribute("lazy_range", "__builtin__", "builtins", "xrange", "range"))
    got = []
    try:
        run_all(lambda: use(got), lambda: use(got))
    finally:
        six.remove_move("lazy_range")
    assert got == [range, range]


@pytest.mark.explore
def test_two_threads_use_a_moved_name_under_a_lock():
    # The fixed variant: the first use of the moved name serialized by a lock.
    six.add_move(six.MovedAttribute("lazy_range", "__builtin__", "builtins", "xrange", "range"))
    got = []
    lock = threading.Lock()

    def locked():
        with lock:
            use(got)

    try:
        run_all(locked, locked)
    finally:
        six.remove_move("lazy_range")
    assert got == [range, range]
