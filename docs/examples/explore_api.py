"""simconc.explore from Python: explore a scenario, read the report, replay a failure."""
import simconc

report = simconc.explore("scenarios/lost_update.py")
print(report.executions, report.exhausted, report.ok)
print(report.outcomes)

failure = report.failures[0]
print(failure.kind, failure.count, failure.threads)
print(failure.message)
print(list(report.to_dict()))
print(list(failure.to_dict()))
print([s for s in failure.steps if s["op"] == "write"][-1])

# The failure's token replays it with simconc.run.
again = simconc.run("scenarios/lost_update.py", schedule=failure.schedule)
print(again.status, again.stdout.strip(), again.check_failure)

# Another invariant (an expression, or a callable), and a sampler.
sampled = simconc.explore("scenarios/lost_update.py", strategy="random", seed=1,
                          max_executions=100, check="counter.value >= 1")
print(sampled.executions, sampled.exhausted, sampled.outcomes, sampled.ok)

# format() is the text `simconc explore` prints; steps=False leaves out the interleaving.
print(report.format(file="scenarios/lost_update.py", steps=False))
