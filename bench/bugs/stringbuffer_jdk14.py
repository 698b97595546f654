"""StringBuffer: append(sb) reads sb's length, then copies, each under sb's lock (atomicity).

Ported from SCTBench: conc-bugs/stringbuffer-jdk1.4 (main.cpp, stringbuffer.cpp by Jie Yu,
mimicking JDK 1.4's java.lang.StringBuffer bug, JDK-4810210, the atomicity violation of
Flanagan and Freund's Atomizer paper; JaConTeBe's JDK suite has bugs of the same kind).
Every method is synchronized, but append(StringBuffer sb) calls sb.length() and then
sb.getChars(0, len, ...) as two calls: if another thread erases sb in between, getChars is
asked for more characters than sb holds and fails its bounds check (an exception in Java, an
assert in the C++ port). Two threads as in the original: one erases "abc" from the shared
buffer and appends it again; the other (the main thread there) appends the shared buffer to a
new one.
"""
import threading

SOURCE = "SCTBench conc-bugs/stringbuffer-jdk1.4"
KIND = "atomicity violation"


class StringBuffer:
    def __init__(self, s=None, errors=None):
        self.lock = threading.RLock()   # the object's monitor
        self.value = [""] * ((len(s) if s else 0) + 16)
        self.count = 0
        self.errors = errors if errors is not None else []
        if s:
            self.append_str(s)

    def length(self):
        with self.lock:
            return self.count

    def get_chars(self, src_begin, src_end, dst, dst_begin):
        with self.lock:
            if src_begin < 0 or src_end < 0 or src_end > self.count or src_begin > src_end:
                self.errors.append(f"getChars({src_begin}, {src_end}) on a buffer of "
                                   f"{self.count} characters")   # assert(0) in the original
                return
            for i in range(src_end - src_begin):
                dst[dst_begin + i] = self.value[src_begin + i]

    def append_buffer(self, sb):
        with self.lock:
            length = sb.length()
            newcount = self.count + length
            if newcount > len(self.value):
                self.expand_capacity(newcount)
            sb.get_chars(0, length, self.value, self.count)   # BAD: sb may have changed
            self.count = newcount
            return self

    def append_str(self, s):
        with self.lock:
            newcount = self.count + len(s)
            if newcount > len(self.value):
                self.expand_capacity(newcount)
            for i, c in enumerate(s):
                self.value[self.count + i] = c
            self.count = newcount
            return self

    def erase(self, start, end):
        with self.lock:
            if end > self.count:
                end = self.count
            length = end - start
            if length > 0:
                for i in range(self.count - end):
                    self.value[start + i] = self.value[start + length + i]
                self.count -= length
            return self

    def expand_capacity(self, minimum_capacity):
        new_capacity = (len(self.value) + 1) * 2
        if minimum_capacity > new_capacity:
            new_capacity = minimum_capacity
        self.value = self.value[:self.count] + [""] * (new_capacity - self.count)


class State:
    def __init__(self):
        self.errors = []
        self.buffer = StringBuffer("abc", self.errors)


def setup():
    return State()


def thread_main(s):
    s.buffer.erase(0, 3)
    s.buffer.append_str("abc")


def appender(s):   # the original's main thread
    sb = StringBuffer(errors=s.errors)
    sb.append_buffer(s.buffer)


THREADS = [thread_main, appender]


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
    assert invariant(state), f"StringBuffer's bounds check failed: {state.errors[0]}"
