"""tqdm 4.23.0: ``AttributeError: 'tqdm' object has no attribute 'pos'`` with bars made in threads.

``tqdm.__new__`` adds the new bar to the class-wide ``tqdm._instances`` before ``__init__`` runs;
``__init__`` then picks the bar's screen line with ``_get_free_pos``, which reads ``inst.pos``
of every bar in ``_instances``, with no lock. A bar made by another thread at the same moment is
already in ``_instances`` but has no ``pos`` yet: ``AttributeError: 'tqdm' object has no
attribute 'pos'`` (tqdm/tqdm#323, labelled bug-critical, with a dozen duplicates: #510, #563...).
Fixed in tqdm 4.23.1 by commit 7f1590e ("solve missing "pos" AttributeError on
initialisation": ``_get_free_pos`` skips bars without ``pos``, and ``pos`` is set under the
lock).
"""
import io
import threading

import pytest

import tqdm


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def one_bar(done):
    bar = tqdm.tqdm(total=2, file=io.StringIO())
    bar.update(2)
    bar.close()
    done.append(True)


def fresh_tqdm():
    """tqdm keeps its bars and its lock on the class, made by the first bar ever: each
    execution starts from the same state, made anew by a first bar of its own, here, before
    the threads (an execution that found them as an earlier one left them would be another
    program, and the search's plans would not fit it)."""
    tqdm.tqdm.monitor_interval = 0   # (no monitor thread: not what is tested)
    for name in ("_instances", "_lock"):
        if name in vars(tqdm.tqdm):
            delattr(tqdm.tqdm, name)
    tqdm.tqdm(total=1, file=io.StringIO()).close()


@pytest.mark.explore
def test_two_threads_make_bars():
    fresh_tqdm()
    done = []
    run_all(lambda: one_bar(done), lambda: one_bar(done))
    assert done == [True, True]   # neither thread died making its bar


@pytest.mark.explore
def test_two_threads_make_bars_under_a_lock():
    # The fixed variant: the bars made one at a time.
    fresh_tqdm()
    done = []
    lock = threading.Lock()

    def locked():
        with lock:
            one_bar(done)

    run_all(locked, locked)
    assert done == [True, True]
