"""What every test of simconc's shares."""
from hypothesis import settings

# The property tests draw the same examples on every run (derandomize) and keep none between
# runs (no database): the suite takes the same time and finds the same things each time, on any
# machine, and a failure it shows is one it shows again.
settings.register_profile("simconc", derandomize=True, database=None)
settings.load_profile("simconc")
