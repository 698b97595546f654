"""``python -m bench``: run every benchmark (arguments are passed on to each)."""
from __future__ import annotations

import sys

from . import bench_run

#: Every benchmark, by module: each has ``main(argv) -> exit status``.
BENCHES = (bench_run,)


def main(argv: "list[str] | None" = None) -> int:
    status = 0
    for bench in BENCHES:
        status = max(status, bench.main(argv))
    return status


if __name__ == "__main__":
    sys.exit(main())
