"""FutureTask.set publishes its state before its result: get() returns null (order violation).

Ported from JaConTeBe: JDK 7132378 (https://bugs.openjdk.java.net/browse/JDK-7132378, "Race
in FutureTask if used with explicit set", JDK 1.7.0; JaConTeBe's Test7132378). FutureTask's
Sync.innerSet CASes the state to RAN and only then stores the result and releases the
waiters; innerGet returns as soon as the state is RAN, so a getter that arrives between the
two returns the result before it is stored: null, and the test's `task.get() != true` throws a
NullPointerException. The AQS acquire/release is a Condition here; the CAS is a lock-protected
compare-and-set. Threads as in the original: two getter threads and the setter (the main
thread there).
"""
import threading

SOURCE = "JaConTeBe JDK 7132378"
KIND = "order violation"

READY, RAN = 0, 2
GETTERS = 2


class SettableTask:
    def __init__(self):
        self.cas_lock = threading.Lock()      # compareAndSetState
        self.sync = threading.Condition()     # acquireShared / releaseShared
        self.state = READY
        self.result = None

    def compare_and_set_state(self, expect, update):
        with self.cas_lock:
            if self.state != expect:
                return False
            self.state = update
            return True

    def set(self, v):   # Sync.innerSet
        while True:
            s = self.state
            if s == RAN:
                return
            if self.compare_and_set_state(s, RAN):
                self.result = v   # BAD: stored after the state says RAN
                with self.sync:
                    self.sync.notify_all()   # releaseShared
                return

    def get(self):      # Sync.innerGet
        with self.sync:
            while self.state != RAN:   # acquireSharedInterruptibly: tryAcquireShared
                self.sync.wait()
        return self.result


class State:
    def __init__(self):
        self.task = SettableTask()
        self.errors = []


def setup():
    return State()


def getter(s):
    value = s.task.get()
    if value is None:   # `task.get() != true` unboxes null: NullPointerException
        s.errors.append("get() returned None (null) after the task was set to True")
    elif value is not True:
        s.errors.append(f"get() returned {value!r}")


def setter(s):   # the original's main thread: task.set(Boolean.TRUE)
    s.task.set(True)


THREADS = [getter] * GETTERS + [setter]


def invariant(s):
    return not s.errors


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), state.errors[0]
