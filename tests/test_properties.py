"""Property tests over random small programs of lock and semaphore operations."""
from hypothesis import given, settings, strategies as st

import simconc

# A program: a few threads, each a list of critical sections. A section takes a lock or a
# semaphore (possibly nested inside another section's), sleeps a little, and releases.
section = st.tuples(st.sampled_from(["lock0", "lock1", "sem"]),
                    st.sampled_from([0, 0.001, 0.002]),
                    st.booleans())   # nest the next section inside this one
threads = st.lists(st.lists(section, min_size=1, max_size=3), min_size=2, max_size=4)


def build(program, log):
    def main():
        import threading, time
        objects = {"lock0": threading.Lock(), "lock1": threading.Lock(),
                   "sem": threading.BoundedSemaphore(2)}
        inside = {name: 0 for name in objects}

        def enter(name):
            inside[name] += 1
            log.append((name, inside[name]))

        def leave(name):
            inside[name] -= 1

        def worker(sections):
            def run(i):
                if i == len(sections):
                    return
                name, pause, nest = sections[i]
                with objects[name]:
                    enter(name)
                    time.sleep(pause)
                    if nest:
                        run(i + 1)
                    leave(name)
                if not nest:
                    run(i + 1)
            run(0)

        ts = [threading.Thread(target=worker, args=(s,)) for s in program]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    return main


@settings(max_examples=60, deadline=None)
@given(threads, st.integers(0, 2 ** 16))
def test_mutual_exclusion_and_semaphore_counts_always_hold(program, seed):
    log = []
    result = simconc.run(build(program, log), seed=seed)
    assert result.status in ("ok", "deadlock"), result.stderr
    for name, count in log:
        assert count <= (2 if name == "sem" else 1), (name, count)


@settings(max_examples=30, deadline=None)
@given(threads, st.integers(0, 2 ** 16))
def test_the_same_seed_always_gives_the_same_trace(program, seed):
    runs = [simconc.run(build(program, []), seed=seed) for _ in range(2)]
    a, b = ([(e.time, e.thread, e.op, e.obj) for e in r.trace] for r in runs)
    assert a == b
    assert runs[0].schedule == runs[1].schedule
    replayed = simconc.run(build(program, []), schedule=runs[0].schedule)
    assert [(e.time, e.thread, e.op, e.obj) for e in replayed.trace] == a
