"""The session behind `simconc step`, from Python: the lost update picked step by step, an undo,
the token, and the fewest steps the puzzle can be solved in, found by an exhaustive search."""
from simconc import Session, fewest_steps

PUZZLE = "scenarios/puzzles/lost_update.py"

session = Session(PUZZLE, goal="check")
for name in ("A", "MainThread", "B", "A", "B"):
    thread = session.thread(name)
    print(f"step {session.steps}: {name} ({thread.state}) will {thread.next}, "
          f"line {thread.where.lineno}")
    session.pick(name)
while not session.over:
    session.auto()
print(f"{session.outcome} after {session.steps} steps: {session.reached.how}")
print("output:", session.output.strip())
print("token:", session.token)

session.undo()   # back to where the last auto started
print("after undo:", session.steps, "steps,", [(t.name, t.state) for t in session.threads])

found = fewest_steps(PUZZLE, "check")
print(f"fewest steps: {found.steps} (exhaustive: {found.exhaustive}, "
      f"{found.executions} executions searched)")
