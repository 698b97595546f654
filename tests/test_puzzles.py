"""The puzzles of `simconc step` (scenarios/puzzles): each is solvable, in the fewest steps it
declares, and in no fewer.

The fewest steps come from an exhaustive search (simconc.explore.fewest, DPOR and the steps
that happen before the goal); what it finds is replayed in a stepping session, which must meet
the goal after exactly that many steps. For the small puzzles, a search that reasons about
nothing, every sequence of choices up to that many steps, must find the same number."""
import os

import pytest

from simconc.explore.fewest import fewest_steps
from simconc.explore.goals import parse_goal
from simconc.explore.stepping import Session, watch
from simconc.front.puzzles import describe_puzzle, find_puzzle, list_puzzles, puzzle_dir
from simconc.kernel import Strategy, maybe_current_world
from simconc.runner import run

PUZZLES = list_puzzles()
NAMES = [p.name for p in PUZZLES]


def test_every_puzzle_says_what_it_is_and_what_to_do():
    assert len(PUZZLES) >= 20
    files = sorted(p.stem for p in puzzle_dir().glob("*.py"))
    assert sorted(NAMES) == files
    assert len({p.order for p in PUZZLES}) == len(PUZZLES)   # a place each, no ties
    for puzzle in PUZZLES:
        title, _, what = puzzle.title.partition(": ")
        assert title and what, puzzle.name
        assert puzzle.goal and parse_goal(puzzle.goal), puzzle.name
        assert puzzle.hint, puzzle.name
        assert isinstance(puzzle.fewest, int) and puzzle.fewest > 0, puzzle.name


@pytest.mark.parametrize("name", NAMES)
def test_the_fewest_steps_declared_are_the_fewest_there_are(name):
    puzzle = describe_puzzle(find_puzzle(f"puzzles/{name}"))
    found = fewest_steps(puzzle.path, puzzle.goal)
    assert found.exhaustive, "the search did not run every execution that matters"
    assert found.steps == puzzle.fewest, \
        f"{name} declares FEWEST = {puzzle.fewest}; the search finds {found.steps}"
    # Solvable: the steps found meet the goal in a session, after exactly that many.
    session = Session(puzzle.path, goal=puzzle.goal, schedule=found.token)
    assert session.reached is not None and session.reached.steps == puzzle.fewest
    assert session.reached.how == found.how


class _Every(Strategy):
    """Every sequence of choices, depth first (each run cut at the step limit), noting the
    first step count at which the goal is met along the way."""

    wants_options = True

    def __init__(self, stack, goal):
        self.stack, self.goal, self.depth, self.met = stack, goal, 0, None

    def pick(self, kind, n, step, options=None):
        self._look()
        if kind != "step":
            return 0
        if self.depth == len(self.stack):
            self.stack.append([n, 0])
        self.depth += 1
        return self.stack[self.depth - 1][1]

    def observe(self, options):
        self._look()

    def _look(self):
        world = maybe_current_world()
        if world is not None and self.met is None and \
                self.goal.during(*watch(world)) is not None:
            self.met = len(world.trace.steps)


def fewest_by_every_interleaving(path, goal, bound):
    """The fewest steps to ``goal`` over every interleaving of up to ``bound`` steps."""
    goal = parse_goal(goal)
    stack, best = [], None
    while True:
        strategy = _Every(stack, goal)
        result = run(path, strategy=strategy, semantics="untimed", max_steps=bound + 1)
        met = strategy.met
        if met is None and result.status != "limit" and goal.at_end(result) is not None:
            met = len(result.steps)
        if met is not None and met <= bound and (best is None or met < best):
            best = met
        while stack and stack[-1][1] + 1 >= stack[-1][0]:
            stack.pop()
        if not stack:
            return best
        stack[-1][1] += 1


#: The puzzles whose every interleaving up to their fewest steps runs in seconds: each kind
#: of goal among them (check, deadlock, exception, critical).
SMALL = [p.name for p in PUZZLES if p.fewest <= 8] + \
    ["lost_update", "confused_counter", "semaphores", "complex_thread"]


@pytest.mark.parametrize("name", SMALL)
def test_every_interleaving_agrees_on_the_small_puzzles(name):
    puzzle = describe_puzzle(find_puzzle(name))
    assert fewest_by_every_interleaving(puzzle.path, puzzle.goal, puzzle.fewest) == \
        puzzle.fewest


def test_the_search_and_every_interleaving_agree_on_a_goal_no_puzzle_has(scenario):
    # Two threads each inside `section` at once, where a lock is released between the two
    # halves of it: a cut of the execution, not its end, is what counts.
    path = scenario("""
        import threading
        lock = threading.Lock()
        state = []

        def section():
            with lock:
                state.append(1)
            state.append(2)

        def worker():
            state.append(0)
            section()

        threading.Thread(target=worker, name="A").start()
        threading.Thread(target=worker, name="B").start()
    """)
    found = fewest_steps(path, "critical:section")
    assert found.exhaustive and found.steps is not None
    assert fewest_by_every_interleaving(path, "critical:section", found.steps) == found.steps
    assert fewest_by_every_interleaving(path, "critical:section", found.steps - 1) is None


def test_a_goal_that_cannot_be_met_is_said_so(scenario):
    path = scenario("""
        import threading
        lock = threading.Lock()
        def section():
            print("inside")
        def worker():
            with lock:
                section()
        threading.Thread(target=worker, name="A").start()
        threading.Thread(target=worker, name="B").start()
    """)
    found = fewest_steps(path, "critical:section")
    assert found.exhaustive and found.steps is None and found.token is None


def test_puzzles_are_found_by_name_or_path():
    assert find_puzzle("puzzles/lock_order") == find_puzzle("lock_order") == \
        str(puzzle_dir() / "lock_order.py")
    path = os.path.join("scenarios", "lost_update.py")
    assert find_puzzle(path) == path
    with pytest.raises(ValueError, match="no such file or puzzle: puzzles/nope .*lost_update"):
        find_puzzle("puzzles/nope")
