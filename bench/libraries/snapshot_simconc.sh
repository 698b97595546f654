#!/bin/sh
# A clean, compiled copy of one commit of simconc, for run_case.py (SIMCONC_SNAPSHOT=DIR):
#   sh snapshot_simconc.sh DIR [COMMIT]      (from anywhere in the repository; the venv active)
# git archive reads the commit and changes nothing in the repository; the kernel is compiled in
# DIR by its own setup.py (about 25 s), as `pip install -e .` would.
set -e
dir=$1
commit=${2:-HEAD}
mkdir -p "$dir"
git -C "$(dirname "$0")/../.." archive "$commit" | tar -x -C "$dir"
git -C "$(dirname "$0")/../.." rev-parse --short "$commit" > "$dir/COMMIT"
cd "$dir" && python setup.py build_ext --inplace > build.log 2>&1
echo "simconc $(cat "$dir/COMMIT") in $dir"
