"""Needs limits==5.8.0. Two threads call MemoryStorage.incr on one key; the storage's expiry
timer is a third thread. limits.storage.memory's own `threading` and `time` are pointed at the
simulated modules for the execution (simconc does not rebind a submodule's names: problem 1)."""
import threading
import time

import pytest

import limits.storage.memory
from limits.storage import MemoryStorage


@pytest.mark.explore
def test_two_threads_incr():
    real = limits.storage.memory.threading, limits.storage.memory.time
    limits.storage.memory.threading, limits.storage.memory.time = threading, time
    try:
        memory = MemoryStorage()
        threads = [threading.Thread(target=memory.incr, args=("k", 60)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        limits.storage.memory.threading, limits.storage.memory.time = real
