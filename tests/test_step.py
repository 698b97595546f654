"""`simconc step` and the stepping session under it: the learner as the scheduler.

The session (simconc.explore.stepping.Session) is driven directly, and the command line with
scripts piped in, as a learner's keystrokes would come."""
import json
import os
import subprocess
import sys

import pytest

from simconc.explore.goals import Goal, parse_goal
from simconc.explore.stepping import Session
from simconc.runner import run

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOST_UPDATE = os.path.join(REPO, "scenarios", "puzzles", "lost_update.py")
LOCK_ORDER = os.path.join(REPO, "scenarios", "puzzles", "lock_order.py")


def simconc(*args, script="", timeout=120):
    return subprocess.run([sys.executable, "-m", "simconc", *args], cwd=REPO, text=True,
                          input=script, capture_output=True, timeout=timeout)


def number(session, name):
    return session.thread(name).number


def lose_an_update(session):
    """The lost update, picked by hand: A reads, main starts B, B reads, both write."""
    session.pick(number(session, "A"))
    session.pick(number(session, "MainThread"))
    session.pick(number(session, "B"))
    session.pick(number(session, "A"))
    session.pick(number(session, "B"))


def state(session):
    return (session.steps, session.threads, session.output, session.token, session.over,
            session.reached)


def test_the_session_stops_where_the_scheduler_must_choose():
    session = Session(LOST_UPDATE, goal="check")
    # The main thread has started A, which ran to its first step; starting B is the main
    # thread's first step. Two threads could take the first step: the session stops there.
    assert session.steps == 0 and not session.over
    assert [(t.number, t.name, t.state) for t in session.threads] == \
        [(1, "MainThread", "runnable"), (2, "A", "runnable")]
    a = session.thread("A")
    assert a.next == "read counter"
    assert a.where.lineno == 19 and a.where.function == "add"
    assert (19, "    counter += 1") in a.context(1)
    assert session.thread(1).next == "start B"


def test_picked_steps_lose_an_update_and_reach_the_goal():
    session = Session(LOST_UPDATE, goal="check")
    rows = session.pick(number(session, "A"))
    assert [(r["step"], r["thread"], r["op"], r["obj"]) for r in rows] == \
        [(1, "A", "read", "counter = 0")]
    lose_an_update_rest = [("MainThread", "start"), ("B", "read"), ("A", "write"),
                           ("B", "write")]
    for name, op in lose_an_update_rest:
        rows = session.pick(number(session, name))
        assert (rows[0]["thread"], rows[0]["op"]) == (name, op)
    # Both wrote 1; from here no choice changes the outcome: let the scheduler finish.
    while not session.over:
        session.auto()
    assert session.outcome == "check"
    assert session.output == "counter = 1\n"
    assert session.reached is not None and session.reached.steps == session.steps == 10
    assert "counter is 1, not 2" in session.reached.how


#: Three threads and a lock: while the holder has it, the waiter cannot go on.
THREE = """
    import threading

    lock = threading.Lock()


    def holder():
        with lock:
            print("the holder has the lock")


    def waiter():
        with lock:
            print("the waiter has the lock")


    def bystander():
        print("the bystander")


    for name, target in (("holder", holder), ("waiter", waiter), ("bystander", bystander)):
        threading.Thread(target=target, name=name).start()
"""


def test_a_thread_that_cannot_go_on_is_not_picked(scenario):
    session = Session(scenario(THREE))
    session.pick("holder")        # takes the lock
    session.pick("MainThread")    # starts the waiter, which waits for the lock
    waiter = session.thread("waiter")
    assert (waiter.number, waiter.state) == (3, "blocked")
    assert waiter.waits_for == "lock (Lock#1), held by holder"
    assert waiter.next == "lock.acquire()"
    with pytest.raises(ValueError, match=r"thread 3 \(waiter\) cannot take the next step: "
                                         r"it waits for lock \(Lock#1\), held by holder"):
        session.pick(3)
    with pytest.raises(ValueError, match="there is no thread 7: the threads are numbered 1, "
                                         "2, 3"):
        session.pick(7)
    while not session.over:
        session.auto()
    assert session.outcome == "ok"
    assert session.threads[2].state == "done"
    with pytest.raises(ValueError, match="the run is over"):
        session.pick(1)


def test_a_deadlock_ends_the_run_and_meets_its_goal():
    session = Session(LOCK_ORDER, goal="deadlock")
    session.pick("A-then-B")      # takes lock_a
    session.pick("MainThread")    # starts B-then-A
    assert session.thread("B-then-A").next == "lock_b.acquire()"
    session.pick("B-then-A")      # takes lock_b: each now waits for the other's lock
    assert session.over and session.outcome == "deadlock"
    assert session.reached.steps == 3 == session.steps
    assert session.reached.how == "deadlock: A-then-B -> B-then-A -> A-then-B"
    assert [(t.name, t.state) for t in session.threads] == \
        [("MainThread", "blocked"), ("A-then-B", "blocked"), ("B-then-A", "blocked")]
    assert session.thread("A-then-B").waits_for == "lock_b (Lock#2), held by B-then-A"
    assert session.thread("A-then-B").where.lineno == 20


def test_undo_returns_to_the_same_state():
    session = Session(LOST_UPDATE, goal="check")
    session.pick(number(session, "A"))
    session.pick(number(session, "MainThread"))
    before = state(session)
    session.pick(number(session, "B"))
    session.auto()
    assert state(session) != before
    assert session.undo() and session.undo()
    assert state(session) == before
    # Undo all the way, then nothing is left to undo.
    while session.undo():
        pass
    assert session.steps == 0 and not session.undo()


def test_the_token_replays_to_the_same_outcome():
    session = Session(LOST_UPDATE, goal="check")
    lose_an_update(session)
    # Mid-way: the replay stops where the session stands, with the output so far.
    partial = run(LOST_UPDATE, schedule=session.token)
    assert partial.status == "limit" and len(partial.steps) == session.steps == 5
    assert partial.stdout == session.output
    while not session.over:
        session.auto()
    whole = run(LOST_UPDATE, schedule=session.token)
    assert (whole.status, whole.stdout, whole.check_failure) == \
        ("check", "counter = 1\n", "check failed: an update was lost: counter is 1, not 2")
    # And a session started from the token stands where this one does.
    again = Session(LOST_UPDATE, goal="check", schedule=session.token)
    assert state(again) == state(session)


def test_a_token_before_the_first_step_replays_no_step():
    session = Session(LOST_UPDATE)
    result = run(LOST_UPDATE, schedule=session.token)
    assert result.status == "limit" and result.steps == [] and result.stdout == ""


def test_auto_stops_at_the_next_event_the_same_way_for_a_seed():
    def play(seed):
        session = Session(LOCK_ORDER, seed=seed)
        stops = []
        while not session.over:
            session.auto()
            stops.append((session.steps, session.because))
        return stops, session.outcome, session.token

    first = play(3)
    assert first == play(3)
    stops, outcome, _token = first
    assert all(because for _steps, because in stops[:-1])
    assert any("blocked at step" in because for _steps, because in stops)


def test_auto_until_the_goal_counts_its_steps():
    session = Session(LOCK_ORDER, goal="deadlock", seed=1)
    while not session.over:
        session.auto(until="goal", limit=1000)
    if session.outcome == "deadlock":
        assert session.reached.steps == session.steps
    else:
        assert session.reached is None


def test_an_exception_goal_is_met_when_the_exception_escapes():
    program = os.path.join(REPO, "scenarios", "puzzles", "producer_consumer.py")
    session = Session(program, goal="exception")
    # The producer releases the semaphore; the consumer takes it and pops the empty queue.
    session.pick("MainThread")   # starts the producer
    assert session.thread("producer").next == "semaphore.release()"
    while session.thread("producer").next == "semaphore.release()":
        session.pick("producer")
    assert session.thread("producer").next == "write queue"
    while session.reached is None:
        session.pick("consumer")
    assert not session.over   # met while the run goes on: the producer can still go on
    assert session.reached.how == "IndexError: pop from empty list (in consumer)"
    assert session.reached.steps == session.steps


def test_a_critical_goal_is_met_when_two_threads_are_inside():
    program = os.path.join(REPO, "scenarios", "puzzles", "boolean_flags.py")
    session = Session(program, goal="critical:critical_section")
    session.pick("MainThread")   # B starts
    for name in ("A", "B", "A", "B"):   # both see the flag down, then both raise it
        session.pick(name)
    assert session.reached is not None and session.reached.steps == 5
    assert session.reached.how == "A and B are inside critical_section() at the same time"
    inside = [t.functions for t in session.threads if t.name in ("A", "B")]
    assert inside == [("worker", "critical_section")] * 2


def test_where_it_stands_is_plain_data_for_a_page():
    session = Session(LOST_UPDATE, goal="check")
    lose_an_update(session)
    data = json.loads(json.dumps(session.to_dict()))
    assert (data["steps"], data["over"], data["token"]) == (5, False, session.token)
    assert data["goal"] == {"name": "check",
                            "describe": "the program's check fails when it ends"}
    a = data["threads"][1]
    assert (a["number"], a["name"], a["state"], a["next"]) == (2, "A", "runnable", "end")
    b = data["threads"][2]
    assert (b["line"], b["context"]) == (None, [])    # its code has returned: no line left
    main = data["threads"][0]
    assert main["line"] == 25 and [25, "for t in threads:"] in main["context"]


def test_the_timeline_grows_as_the_learner_steps():
    session = Session(LOCK_ORDER, goal="deadlock", timeline=True)
    session.pick("A-then-B")
    session.pick("MainThread")
    before = session.timeline()
    assert [lane.name for lane in before.lanes if lane.kind == "thread"] == \
        ["MainThread", "A-then-B", "B-then-A"]
    session.pick("B-then-A")
    after = session.timeline()
    assert after.end > before.end
    blocked = [span for lane in after.lanes if lane.name == "A-then-B"
               for span in lane.spans if span.state == "blocked"]
    assert blocked and "Lock#2" in blocked[-1].on
    with pytest.raises(ValueError, match="timeline=True"):
        Session(LOCK_ORDER).timeline()


def test_goals_are_parsed_or_refused_with_the_choices():
    assert parse_goal("critical:enqueue, dequeue") == Goal("critical", ("enqueue", "dequeue"))
    assert str(parse_goal("deadlock")) == "deadlock"
    for bad in ("deadlocks", "critical", "critical:", "critical:1x", "check:x"):
        with pytest.raises(ValueError, match="goal"):
            parse_goal(bad)


def test_bad_session_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="timed one"):
        Session(LOST_UPDATE, schedule=run(LOST_UPDATE).schedule)
    with pytest.raises(ValueError, match="'event' or the 'goal'"):
        Session(LOST_UPDATE).auto(until="forever")


# -- the command line ----------------------------------------------------------------------------

def test_a_piped_script_plays_the_lost_update():
    proc = simconc("step", "puzzles/lost_update", script="2\n1\n3\n2\n3\na\na\na\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "goal: the program's check fails when it ends (fewest steps known: 10)" in out
    assert "\n> 2\n  step   1  A: read counter = 0" in out   # (the script's line, echoed)
    assert "*** goal met after 10 steps: check failed: an update was lost" in out
    assert "fewest steps known: 10 (you matched it)" in out
    assert "  | counter = 1" in out
    assert out.rstrip().endswith(proc.stdout.rstrip().splitlines()[-1])
    token = out.split("    token: ")[-1].split()[0]
    replayed = simconc("replay", "scenarios/puzzles/lost_update.py", token)
    assert replayed.returncode == 1 and replayed.stdout == "counter = 1\n"
    assert "CHECK FAILED" in replayed.stderr


def test_the_end_of_the_input_quits_with_the_token():
    proc = simconc("step", "puzzles/lock_order", script="2\n")
    assert proc.returncode == 0
    lines = proc.stdout.rstrip().splitlines()
    assert lines[-4:-2] == ["> (end of input)", "simconc step: 1 step taken"]
    assert lines[-2].startswith("    token: 2") and lines[-1].startswith(
        "    replay: simconc replay scenarios/puzzles/lock_order.py 2")
    replayed = run(os.path.join(REPO, "scenarios/puzzles/lock_order.py"),
                   schedule=lines[-2].split()[-1])
    assert replayed.status == "limit" and len(replayed.steps) == 1


def test_bad_commands_get_a_message_and_the_session_goes_on(scenario):
    proc = simconc("step", scenario(THREE),
                   script="x\n9\n2\n1\n3\nu\nu\nu\n?\nh\nt\nq\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Traceback" not in out + proc.stderr
    assert "'x' is not a command" in out
    assert "there is no thread 9: the threads are numbered 1, 2" in out
    assert "  3  waiter: blocked, waits for lock (Lock#1), held by holder  (program.py:13)" \
        in out
    assert "thread 3 (waiter) cannot take the next step: it waits for lock (Lock#1)" in out
    assert out.count("undone: back at step") == 2 and "nothing to undo" in out
    assert "undo the last command" in out              # the help
    assert "(no hint for this one)" in out
    assert out.count("    token: ") == 2             # asked for, and at the end


def test_step_refuses_bad_input_before_it_starts(tmp_path):
    for args, message in [
            (("nowhere.py",), "no such file or puzzle: nowhere.py"),
            (("puzzles/lock_order", "--goal", "crash"), "unknown goal 'crash'"),
            (("puzzles/lock_order", "--schedule", "xyz"), "not a simconc token"),
            (("puzzles/lock_order", "--context", "-1"), "--context is a number of lines")]:
        proc = simconc("step", *args)
        assert proc.returncode == 2, (args, proc.stdout)
        assert message in proc.stderr and "Traceback" not in proc.stderr
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    proc = simconc("step", str(broken))
    assert proc.returncode == 2 and "not valid Python" in proc.stderr


def test_a_misspelt_critical_section_is_warned_of():
    proc = simconc("step", "puzzles/boolean_flags", "--goal", "critical:critical_sectoin",
                   script="q\n")
    assert proc.returncode == 0
    assert "defines no function critical_sectoin" in proc.stderr


def test_puzzles_lists_every_puzzle_with_its_goal_and_fewest_steps():
    proc = simconc("puzzles")
    assert proc.returncode == 0
    files = [n for n in os.listdir(os.path.join(REPO, "scenarios", "puzzles"))
             if n.endswith(".py") and not n.startswith("_")]
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["puzzle", "goal", "fewest", "what"]
    assert lines[1].split()[:3] == ["lost_update", "check", "10"]
    rows = lines[1:len(files) + 1]
    assert sorted(row.split()[0] + ".py" for row in rows) == sorted(files)
    assert lines[len(files) + 2].startswith(f"{len(files)} puzzles")
    listed = json.loads(simconc("puzzles", "--json").stdout)
    assert [p["name"] for p in listed] == [row.split()[0] for row in rows]
    assert listed[0]["fewest"] == 10 and listed[0]["goal"] == "check" and listed[0]["hint"]


def test_the_timeline_of_steps_has_a_tick_per_whole_step():
    # (there is no step 0.5: an axis of four steps is numbered 0 to 4)
    import xml.etree.ElementTree as ET
    from simconc.render import svg
    session = Session(LOST_UPDATE, goal="check", timeline=True)
    for thread in ("A", "MainThread", "B", "A"):
        session.pick(thread)
    drawn = ET.fromstring(svg.render([session.timeline()]))
    ticks = [t.text for t in drawn.iter("{http://www.w3.org/2000/svg}text")
             if t.get("text-anchor") == "middle"]
    assert ticks == ["0", "1", "2", "3", "4"]
