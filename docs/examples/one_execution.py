"""docs/examples/locked_total.py run once under each semantics, and what the world recorded:
under timed semantics, what each thread did when (analysis.intervals); under untimed semantics,
the steps the scheduler ordered, each with the operation it made (docs/architecture.md)."""
import simconc
from simconc.analysis.intervals import intervals
from simconc.kernel.trace import what

PROGRAM = "docs/examples/locked_total.py"

timed = simconc.run(PROGRAM, seed=1, timeline=True)
print(f"timed: printed {timed.stdout.strip()}, {len(timed.trace.events)} events")
for i in intervals(timed.trace, timed.elapsed):
    if i.name != "MainThread" and i.end > i.start:
        print(f"  {i.name:<15} {i.state:<8} {i.on:<7} {i.start * 1e6:7.2f} to {i.end * 1e6:7.2f} us")

untimed = simconc.run(PROGRAM, semantics="untimed")
steps, events = untimed.trace.steps, untimed.trace.events
print(f"untimed: printed {untimed.stdout.strip()}, {len(steps)} steps")
for n, step in enumerate(steps):
    made = [e for e in events if e.step == n + 1 and e.ident == step.ident]
    print(f"  {n + 1:>2} {step.name:<15} {step.access:<4}",
          "; ".join(f"{e.op} {what(e)}".strip() for e in made))
