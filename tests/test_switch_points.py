"""Switch points: is a race possible on the free-threaded build only, or on the GIL build too?

Under ``switch_points="gil"`` a thread is switched out only where CPython 3.10 to 3.13's eval
loop can drop the GIL (a function's entry, the return from a call, a loop's back edge, a sleep,
a blocking operation); under ``"any"`` at every visible operation.
"""
from __future__ import annotations

import json

import pytest

import simconc
from simconc.front.cli import main as cli
from simconc.kernel import BadToken
from test_explore import LOST_UPDATE, PHILOSOPHERS, write


def failed(report: simconc.ExploreReport) -> bool:
    return any(f.kind == "check" for f in report.failures)


def test_read_then_write_in_one_method_loses_updates_only_without_the_gil():
    free = simconc.explore(LOST_UPDATE, switch_points="any")
    gil = simconc.explore(LOST_UPDATE, switch_points="gil")
    assert free.exhausted and failed(free)
    # Nothing between the read and the write can drop the GIL: every schedule ends with 2.
    assert gil.exhausted and gil.failures == [] and dict(gil.outcomes) == {"2": gil.executions}
    assert gil.switch_points == "gil" and "GIL build's switch points" in gil.format()


def test_a_call_between_read_and_write_is_a_switch_point(tmp_path):
    path = write(tmp_path, """
        import threading

        class Counter:
            def __init__(self):
                self.value = 0

            def increment(self):
                temp = self.value
                str(temp)   # CPython checks whether to drop the GIL when a call returns
                self.value = temp + 1

        counter = Counter()
        threads = [threading.Thread(target=counter.increment) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        def check():
            assert counter.value == 2, f"an update was lost: {counter.value}"
        """)
    report = simconc.explore(path, switch_points="gil")
    assert report.exhausted and failed(report)
    [failure] = report.failures
    assert failure.schedule.startswith("3")   # a token of the GIL build's switch points
    again = simconc.run(path, schedule=failure.schedule)
    assert again.status == "check" and again.switch_points == "gil"
    assert again.check_failure == failure.message
    with pytest.raises(BadToken, match="switch points 'gil', not 'any'"):
        simconc.run(path, schedule=failure.schedule, switch_points="any")


@pytest.mark.parametrize("between, gil_fails", [
    ("", False),                    # += in a loop: the back edge is the only switch point
    ("time.sleep(0)", True),        # a sleep lets the GIL go
])
def test_a_loop_of_increments(tmp_path, between, gil_fails):
    path = write(tmp_path, f"""
        import threading
        import time

        counter = 0

        def worker():
            global counter
            for _ in range(2):
                temp = counter
                {between}
                counter = temp + 1

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        def check():
            assert counter == 4, f"lost an update: {{counter}}"
        """)
    assert failed(simconc.explore(path, switch_points="any"))
    gil = simconc.explore(path, switch_points="gil-3.12")
    assert gil.exhausted and failed(gil) == gil_fails


def test_blocking_operations_let_the_gil_go(tmp_path):
    # A lock held across a switch point: the waiter must let the GIL go, or nobody could run.
    path = write(tmp_path, """
        import threading

        lock = threading.Lock()
        total = 0

        def worker():
            global total
            with lock:
                temp = total
                str(temp)
                total = temp + 1

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        def check():
            assert total == 2
        """)
    report = simconc.explore(path, switch_points="gil")
    assert report.exhausted and report.failures == []
    assert dict(report.outcomes) == {"(no output)": report.executions}


def test_the_philosophers_deadlock_on_the_gil_build_too():
    report = simconc.explore(PHILOSOPHERS, switch_points="gil", stop_on_failure=True)
    [failure] = report.failures
    assert failure.kind == "deadlock"
    assert failure.message == ("deadlock: philosopher-0 -> philosopher-1 -> philosopher-2 -> "
                               "philosopher-0")


def test_gil_39_is_any_and_a_bad_name_is_refused():
    assert simconc.explore(LOST_UPDATE, switch_points="gil-3.9").switch_points == "any"
    with pytest.raises(ValueError, match="unknown switch points 'gil-2.7'"):
        simconc.explore(LOST_UPDATE, switch_points="gil-2.7")
    with pytest.raises(ValueError, match="untimed"):
        simconc.run(LOST_UPDATE, switch_points="gil")   # a timed run has its own GIL model


def test_cli_switch_points(capsys):
    assert cli(["explore", LOST_UPDATE, "--switch-points", "gil", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["switch_points"] == "gil" and report["failures"] == []
    assert cli(["explore", LOST_UPDATE, "--switch-points", "any", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["switch_points"] == "any"
