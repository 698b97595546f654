"""What a program reads of the machine it runs on is the simulated machine's, the same on every
real one: the wall clock however it is read (``time``'s calendar functions, ``datetime``), the
CPU-time clocks (the time a thread or process computed, which sleeping does not add to), the
time zone, the machine's name, its network card (``uuid1``) and the names ``tempfile`` draws;
and after a run, the real ones are back."""
import datetime
import math
import os
import platform
import re
import subprocess
import sys
import time
import uuid
import warnings

import pytest

import simconc

# The tutorial-2017 profile's epoch: 2017-05-12 07:59:00 UTC.
EPOCH = 1494575940.0

READS_THE_MACHINE = """\
import datetime, os, platform, socket, tempfile, threading, time, uuid
from time import *          # (binds the module's every public name, as CPython's does)
import time as T

def later():
    T.sleep(1.5)
    print("later", datetime.datetime.now(), T.ctime(), T.strftime("%H:%M:%S %Z"))

t = threading.Thread(target=later)
t.start()
t.join()
print("now", datetime.datetime.now(), datetime.datetime.now(datetime.timezone.utc))
print("calendar", ctime(), asctime(), localtime().tm_hour, gmtime().tm_min, strftime("%Y-%m-%d"))
print("date", datetime.date.today(), datetime.datetime.today())
print("name", os.uname().nodename, platform.node(), platform.uname().node, socket.gethostname())
print("platform", platform.platform() == platform.platform(), platform.system())
print("uuid1", uuid.uuid1(), uuid.getnode() == 0x020000000001)
print("tempfile", tempfile.mktemp(dir="/nowhere"))
print("times", os.times())
print("load", os.getloadavg())
"""


def run_file(tmp_path, source, *options, tz=None):
    path = tmp_path / "program.py"
    path.write_text(source)
    env = dict(os.environ)
    if tz is not None:
        env["TZ"] = tz
    proc = subprocess.run([sys.executable, "-m", "simconc", "run", str(path), *options],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_what_a_program_reads_of_the_machine_is_the_same_on_every_machine(tmp_path):
    # (zones as POSIX strings, which need no zone files: China's, and New York's with DST)
    outputs = {tz: run_file(tmp_path, READS_THE_MACHINE, "--seed", "3", tz=tz)
               for tz in ("UTC", "CST-8", "EST5EDT,M3.2.0,M11.1.0")}
    assert len(set(outputs.values())) == 1, outputs
    lines = outputs["UTC"].splitlines()
    # (the microseconds are what the program's Python cost: counted from its bytecode)
    assert re.fullmatch(r"later 2017-05-12 07:59:01\.50\d{4} "
                        r"Fri May 12 07:59:01 2017 07:59:01 UTC", lines[0])
    assert lines[1].startswith("now 2017-05-12 07:59:01.5")
    assert lines[1].endswith("+00:00")
    assert lines[2] == ("calendar Fri May 12 07:59:01 2017 Fri May 12 07:59:01 2017 7 59 "
                        "2017-05-12")
    assert lines[3].startswith("date 2017-05-12 2017-05-12 07:59:01.5")
    assert lines[4] == "name localhost localhost localhost localhost"
    assert lines[5] == "platform True Linux"
    assert lines[6].startswith("uuid1 ") and lines[6].endswith("-020000000001 True")
    made = (uuid.UUID(lines[6].split()[1]).time - 0x01b21dd213814000) / 1e7   # (100 ns since 1582)
    assert made == pytest.approx(EPOCH + 1.5, abs=1e-3)
    assert lines[7].startswith("tempfile /nowhere/tmp")
    assert lines[8] == ("times posix.times_result(user=0.0, system=0.0, children_user=0.0, "
                        "children_system=0.0, elapsed=1.5)")
    # (and another seed draws other names, as another run of the real machine would)
    assert run_file(tmp_path, READS_THE_MACHINE, "--seed", "4").splitlines()[7] != lines[7]


def test_cpu_time_is_what_a_thread_computed_not_the_time_it_slept_or_waited():
    seen = {}

    def program():
        import threading
        import time

        def sleeper():
            time.sleep(0.5)
            seen["sleeper"] = time.thread_time()

        def worker():
            simconc.cpu(0.8)
            seen["worker"] = time.thread_time()

        threads = [threading.Thread(target=sleeper), threading.Thread(target=worker)]
        for t in threads:
            t.start()
        simconc.cpu(0.6)
        seen["main"] = time.thread_time()
        for t in threads:
            t.join()
        seen["process"] = time.process_time()
        seen["process_ns"] = time.process_time_ns()
        seen["by id"] = (time.clock_gettime(time.CLOCK_PROCESS_CPUTIME_ID),
                         time.clock_gettime(time.CLOCK_THREAD_CPUTIME_ID))
        seen["wall"] = time.monotonic()
        seen["times"] = os.times()

    for gil in (True, False):
        seen.clear()
        result = simconc.run(program, profile="ideal", gil=gil)
        assert result.status == "ok", result.error
        assert seen["sleeper"] == 0.0
        assert seen["worker"] == pytest.approx(0.8)
        assert seen["main"] == pytest.approx(0.6)
        assert seen["process"] == pytest.approx(1.4)
        assert seen["process_ns"] == pytest.approx(1.4e9)
        assert seen["by id"] == (seen["process"], seen["main"])
        assert seen["times"].user == pytest.approx(1.4) and seen["times"].system == 0.0
        # With the GIL the two computations take turns; without it, they run at once.
        assert seen["wall"] == pytest.approx(1.4 if gil else 0.8)
    # Under untimed semantics (exploration's) no time passes: none is computed either.
    seen.clear()
    assert simconc.run(program, semantics="untimed").status == "ok"
    assert seen["process"] == seen["main"] == 0.0


def test_a_child_processes_cpu_time_is_its_own_and_its_parents_once_it_ended(tmp_path):
    out = run_file(tmp_path, """\
import multiprocessing, os, time
import simconc

def child():
    simconc.cpu(0.25)
    print("child", time.process_time())

if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    simconc.cpu(0.5)
    p = multiprocessing.Process(target=child)
    p.start()
    p.join()
    t = os.times()
    print("parent", time.process_time(), t.user, t.children_user)
""", "--profile", "ideal")
    assert out.splitlines()[:2] == ["child 0.25", "parent 0.5 0.5 0.25"]


def test_datetime_now_is_the_simulated_clock_in_a_run_and_the_real_one_after():
    seen = {}

    class Mine(datetime.datetime):
        pass

    def program():
        import time
        time.sleep(2)
        seen["now"] = datetime.datetime.now()
        seen["aware"] = datetime.datetime.now(tz=datetime.timezone(datetime.timedelta(hours=8)))
        seen["mine"] = Mine.now()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            seen["utc"] = datetime.datetime.utcnow()
        seen["warned"] = [(str(w.message), w.filename) for w in caught]
        for args in ((5,), (None, 1)):
            try:
                datetime.datetime.now(*args)
            except TypeError as e:
                seen.setdefault("errors", []).append(str(e))

    result = simconc.run(program, profile="ideal")
    assert result.status == "ok", result.error
    assert seen["now"] == datetime.datetime(2017, 5, 12, 7, 59, 2)   # (the machine's zone: UTC)
    assert seen["aware"].isoformat() == "2017-05-12T15:59:02+08:00"
    assert type(seen["mine"]) is Mine and seen["mine"] == seen["now"]
    assert seen["utc"] == datetime.datetime(2017, 5, 12, 7, 59, 2)
    if sys.version_info >= (3, 12):   # (deprecated there, and said so where it was called)
        assert seen["warned"] == [(
            "datetime.datetime.utcnow() is deprecated and scheduled for removal in a future "
            "version. Use timezone-aware objects to represent datetimes in UTC: "
            "datetime.datetime.now(datetime.UTC).", __file__)]
    else:
        assert seen["warned"] == []
    real_errors = []
    for args in ((5,), (None, 1)):
        with pytest.raises(TypeError) as raised:
            datetime.datetime.now(*args)
        real_errors.append(str(raised.value))
    assert seen["errors"] == real_errors
    # Outside a run, now() is the real clock's again.
    assert abs(datetime.datetime.now().timestamp() - time.time()) < 60


@pytest.mark.parametrize("real_zone", ["CST-8", "UTC", None])
def test_a_run_leaves_the_real_time_zone_and_name_as_they_were(monkeypatch, real_zone):
    if real_zone is None:
        monkeypatch.delenv("TZ", raising=False)
    else:
        monkeypatch.setenv("TZ", real_zone)
    time.tzset()
    try:
        zone = time.strftime("%Z")
        seen = {}

        def program():
            import os
            import time
            seen["zone"] = time.strftime("%Z")
            os.environ["TZ"] = "CET-1"   # (a program may change its own)
            time.tzset()
            seen["theirs"] = time.strftime("%Z", time.localtime(0))

        assert simconc.run(program).status == "ok"
        assert seen == {"zone": "UTC", "theirs": "CET"}
        assert os.environ.get("TZ") == real_zone and time.strftime("%Z") == zone
    finally:
        monkeypatch.undo()
        time.tzset()
    # (the real machine's name, as before the run)
    assert platform.node() == platform.uname().node == os.uname().nodename == \
        __import__("socket").gethostname()


def test_uuid1_is_unique_and_leaves_the_programs_random_numbers_alone():
    seen = []

    def program():
        import random
        import uuid
        ids = [uuid.uuid1() for _ in range(50)]   # (all at one simulated instant, or nearly)
        seen.append((ids, random.random(), uuid.uuid1(node=5, clock_seq=3)))

    for _ in range(2):
        assert simconc.run(program, seed=9).status == "ok"
    (ids, number, given), again = seen
    assert len(set(ids)) == 50 and sorted(ids, key=lambda u: u.time) == ids
    assert {u.node for u in ids} == {0x020000000001} and {u.version for u in ids} == {1}
    import random
    assert number == random.Random(9).random()   # (uuid1 drew from the machine's entropy)
    assert given.node == 5 and given.clock_seq == 3
    assert (ids, number, given) == again


def test_clocks_by_id_and_what_is_refused():
    seen = {}

    def program():
        import time
        time.sleep(1)
        seen["real"] = time.clock_gettime(time.CLOCK_REALTIME)
        seen["mono"] = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        time.sleep(0.4)   # (1.4 s, which a float times 1e9 and cut makes a nanosecond short)
        seen["ns"] = (time.time_ns(), time.monotonic_ns(),
                      time.clock_gettime_ns(time.CLOCK_REALTIME))
        try:
            time.clock_gettime(12345)
        except OSError as e:
            seen["invalid"] = e.errno
        try:
            time.strftime("%H", None)
        except TypeError as e:
            seen["bad"] = str(e)
        time.clock_gettime(time.CLOCK_TAI)

    result = simconc.run(program, profile="ideal")
    assert seen == {"real": EPOCH + 1, "mono": 1_000_000_000, "invalid": 22,
                    "ns": (1494575941_400_000_000, 1_400_000_000, 1494575941_400_000_000),
                    "bad": "Tuple or struct_time argument required"}
    assert result.status == "error"
    assert "read clock 11 with time.clock_gettime()" in result.error

    def settime():
        import time
        time.clock_settime(time.CLOCK_REALTIME, 0)

    result = simconc.run(settime)
    assert result.status == "error" and "set the real machine's clock" in result.error


def test_the_cores_a_process_may_run_on_are_the_simulated_machines():
    from simconc.kernel import PROFILES
    seen = {}

    def program():
        import os
        seen["cores"] = (os.cpu_count(), os.sched_getaffinity(0),
                         os.sched_getaffinity(os.getpid()))
        os.sched_setaffinity(0, {0})

    result = simconc.run(program, profile="tutorial-2017")
    cores = PROFILES["tutorial-2017"].cores
    assert seen["cores"] == (cores, set(range(cores)), set(range(cores)))
    assert result.status == "error" and "os.sched_setaffinity" in result.error
    assert os.sched_getaffinity(0) == set(os.sched_getaffinity(os.getpid()))   # (real, after)


def _linux_load(runnable, start, end, minutes):
    """The load average Linux shows once ``runnable`` tasks ran from ``start`` to ``end`` (of
    its uptime), none before: the damped average's closed form, over the samples taken every
    5 s and a tick meanwhile (within a rounding)."""
    samples = int(end // 5.004) - int(start // 5.004)
    return runnable * (1 - math.exp(-5.004 * samples / (60 * minutes)))


LOAD_PROGRAM = """\
import os, threading, time
import simconc

start = os.getloadavg()
time.sleep(30)
idle = os.getloadavg()
workers = [threading.Thread(target=simconc.cpu, args=(60,)) for _ in range(3)]
for each in workers:
    each.start()
time.sleep(60)
busy = os.getloadavg()
for each in workers:
    each.join()
"""


@pytest.mark.parametrize("gil, runnable", [(True, 1), (False, 3)])
def test_the_load_average_is_the_simulated_machines(tmp_path, gil, runnable):
    # Three threads compute for 60 s on the 2-core machine, from 30 s on. With a GIL one
    # computes at a time (the others sleep on it, as they do in CPython, and Linux counts no
    # sleeper); without, they share the two cores, all three runnable.
    path = tmp_path / "load.py"
    path.write_text(LOAD_PROGRAM)
    result = simconc.run(str(path), gil=gil)
    assert result.status == "ok", result.error
    namespace = result.namespace
    assert namespace["start"] == namespace["idle"] == (0.0, 0.0, 0.0)
    busy = namespace["busy"]
    expected = [_linux_load(runnable, 30, 90, minutes) for minutes in (1, 5, 15)]
    assert all(round(each, 2) == each for each in busy)   # (as /proc/loadavg prints it)
    assert busy == pytest.approx(expected, abs=0.02), (busy, expected)
    assert busy[0] > busy[1] > busy[2] > 0.0


def test_threads_that_compute_share_the_cores_as_the_os_shares_them():
    # Three threads of the free-threaded build compute 10 s each on 2 cores: the OS's
    # scheduler slices the cores among them, so all three end at 15 s (not two at 10 s and
    # the third at 20 s); and the main thread, woken from its sleep, runs at once.
    seen = {}

    def program():
        import threading
        import time
        import simconc

        def work(n):
            simconc.cpu(10)
            seen[n] = time.monotonic()

        workers = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for each in workers:
            each.start()
        time.sleep(1)
        seen["main"] = time.monotonic()
        for each in workers:
            each.join()

    assert simconc.run(program, gil=False).status == "ok"
    assert seen["main"] == pytest.approx(1.0, abs=0.01)
    assert [seen[n] for n in range(3)] == pytest.approx([15.0] * 3, abs=0.01)


def test_the_load_average_of_an_exploration_is_of_no_time_passed():
    seen = []

    def program():
        import os
        import simconc
        simconc.cpu(30)
        seen.append(os.getloadavg())

    assert simconc.run(program, semantics="untimed").status == "ok"
    assert seen == [(0.0, 0.0, 0.0)]
    assert len(os.getloadavg()) == 3   # (the real one, after)


def test_resource_usage_which_would_be_the_real_processes_is_refused():
    def program():
        import resource
        resource.getrusage(resource.RUSAGE_SELF)

    result = simconc.run(program)
    assert result.status == "error" and "resource.getrusage" in result.error
    assert "time.process_time()" in result.error
    import resource
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime > 0   # (the real one, after)


def test_the_build_says_whether_it_has_a_gil():
    seen = []

    def program():
        import sys
        seen.append(sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else None)

    for options in ({}, {"gil": False}, {"semantics": "untimed", "switch_points": "gil"},
                    {"semantics": "untimed"}):
        assert simconc.run(program, **options).status == "ok"
    if sys.version_info >= (3, 13):   # (3.13 has it: the free-threaded build's is False)
        assert seen == [True, False, True, False]
    else:
        assert seen == [None] * 4
