"""simconc's benchmarks, each runnable on its own (see bench/README.md)."""
