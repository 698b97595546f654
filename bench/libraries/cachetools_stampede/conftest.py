"""cachetools 5.5.2 cannot be installed into the venv (tox there needs cachetools>=7.0.3): it is
installed into ``_vendor`` (``pip install --no-deps --target _vendor cachetools==5.5.2``) and
put on ``sys.path`` ahead of the venv's site-packages, behind anything on ``PYTHONPATH`` (which
is how run_case.py runs the fixed version, 6.0.0, under the same test)."""
import os
import site
import sys

_vendor = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_vendor")
_site = set(site.getsitepackages())
_at = next((i for i, p in enumerate(sys.path) if p in _site), len(sys.path))
sys.path.insert(_at, _vendor)
