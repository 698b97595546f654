"""``python -m bench``: the benchmark of one execution, bench_run.py (arguments are passed on).
The others run on their own: ``python bench/bench_explore.py``, which takes minutes, and
``python bench/bench_instructions.py``, which needs valgrind."""
from __future__ import annotations

import sys

from . import bench_run


def main(argv: "list[str] | None" = None) -> int:
    return bench_run.main(argv)


if __name__ == "__main__":
    sys.exit(main())
