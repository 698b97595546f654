"""A run's timeline from Python: record it, read its lanes (simconc.render.lanes), draw it."""
import simconc

result = simconc.run("scenarios/semaphore.py", seed=1, timeline=True)
timeline = simconc.timeline_of(result, "semaphore.py --seed 1")
for lane in timeline.lanes:
    busy = sum(s.end - s.start for s in lane.spans if s.state in ("running", "held"))
    waits = sorted({s.on for s in lane.spans if s.state == "blocked"})
    print(f"{lane.group:14} {lane.kind:6} {lane.name:15} busy {busy * 1e6:6.1f} us, "
          f"blocked on: {', '.join(waits) or '-'}")
# simconc.write_timeline(timeline, "semaphore.svg") draws it, in the format the name says.
