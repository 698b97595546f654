"""Property tests over random small programs: of lock and semaphore operations, of shared
variables under exploration, and programs generated from Python's grammar, instrumented."""
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

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


# -- reads that race with nothing: no outcome is lost by not making them steps ---------------------
# A random scenario: module variables x, y and z, assigned by the module body before, between
# and after the threads' starts, in a loop, or (y) by a function; two threads read them. Its
# outcomes under DPOR are compared with those of the same file compiled with every access a
# step (instrument.body_variables made to find nothing), the reference.

body_statement = st.sampled_from(["x = 1", "y = 2", "z = 3", "x = x + 1",
                                  "for x in (3, 4): pass", "seen.append(('main', x))", "seen.append(('main', y))"])
thread_statement = st.sampled_from(["seen.append(x)", "seen.append(y)", "seen.append(z)",
                                    "bump()", "seen.append(x + y)"])


def scenario(pre, mid, post, work0, work1) -> str:
    lines = ["import threading", "seen = []", "x = 0"]
    lines += pre
    lines += ["def bump():", "    global y", "    y = y + 10 if 'y' in globals() else 10"]
    for name, work in (("w0", work0), ("w1", work1)):
        lines += [f"def {name}():", "    try:"]
        lines += [f"        {s}" for s in work]
        lines += ["    except NameError:", "        seen.append('unbound')"]
    lines += ["t0 = threading.Thread(target=w0)", "t1 = threading.Thread(target=w1)",
              "t0.start()"]
    lines += mid
    lines += ["t1.start()"]
    lines += post
    lines += ["t0.join()", "t1.join()",
              "print(seen, x, globals().get('y'), globals().get('z'))"]
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None)
@example(pre=[], mid=["z = 3"], post=[], work0=["seen.append(z)"], work1=["seen.append(x)"])
# (A container method's step was taken before its arguments were read: with every access a
# step, t0's read of x fell between the step of its append and the append itself, and the order
# where t0 appends first was never run.)
@example(pre=[], mid=[], post=["seen.append(('main', x))"], work0=["seen.append(x)"],
         work1=["bump()"])
# (A variable only a function assigns, ``global y``, was not shared state: its read and write
# were no steps, and the order where t1 reads it before bump() assigns it was never run.)
@example(pre=[], mid=[], post=[], work0=["bump()"], work1=["seen.append(y)"])
@given(st.lists(body_statement, max_size=2), st.lists(body_statement, max_size=2),
       st.lists(body_statement, max_size=1), st.lists(thread_statement, min_size=1, max_size=2),
       st.lists(thread_statement, min_size=1, max_size=2))
def test_reads_left_out_of_the_steps_lose_no_outcome(tmp_path_factory, pre, mid, post, work0,
                                                     work1):
    # (The example: z is assigned once, but after t0 started, so t0's read of it is a race.)
    from simconc.instrument import rewrite as instrument
    from simconc.runner import loading as runner
    path = tmp_path_factory.mktemp("prog") / "prog.py"
    path.write_text(scenario(pre, mid, post, work0, work1))
    fewer = simconc.explore(str(path))
    nothing = instrument.BodyVariables(frozenset(), frozenset(), frozenset())
    saved = instrument.body_variables
    instrument.body_variables = lambda tree, table, shared: nothing
    runner._compiled.clear()
    try:
        every = simconc.explore(str(path))
    finally:
        instrument.body_variables = saved
        runner._compiled.clear()
    assert fewer.exhausted and every.exhausted
    assert set(fewer.outcome_counts) == set(every.outcome_counts)


# Generated programs (hypothesmith: from Python's grammar, and from libCST's nodes) run the same
# instrumented and not: the same output, the same exception. A program that runs for more than
# half a second either way is passed over (generated code may loop for ever).
def _run_generated(code, instrumented):
    import contextlib
    import io
    import signal

    from simconc.instrument.hooks import hooks

    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    if instrumented:
        namespace.update(hooks(None, namespace))
    out = io.StringIO()

    def too_long(signum, frame):
        raise _TooLong

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
        return out.getvalue(), None
    except _TooLong:
        return None, "too long"
    except Exception as exc:   # (what the program raised is part of what it does)
        return out.getvalue(), type(exc).__name__
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _TooLong(BaseException):
    pass


def _generated_programs_run_the_same(source):
    import warnings

    from simconc.instrument.rewrite import compile_instrumented
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # (SyntaxWarnings of odd generated code)
        try:
            plain = compile(source, "<generated>", "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return   # (the generator's code that CPython's compiler refuses: nothing to compare)
        instrumented = compile_instrumented(source, "<generated>")
    expected, got = _run_generated(plain, False), _run_generated(instrumented, True)
    if "too long" not in (expected[1], got[1]):
        assert got == expected, source


def _hypothesmith():
    import hypothesmith
    return hypothesmith


# (Generating a program is slow, and the generator compiles odd candidates: SyntaxWarnings.)
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.deferred(lambda: _hypothesmith().from_node()))
def test_generated_programs_run_the_same_instrumented_from_nodes(source):
    _generated_programs_run_the_same(source)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.deferred(lambda: _hypothesmith().from_grammar()))
def test_generated_programs_run_the_same_instrumented_from_the_grammar(source):
    _generated_programs_run_the_same(source)
