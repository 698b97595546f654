"""Compiles the kernel with mypyc at install time; every other setting is in pyproject.toml.

The modules in ``simconc.compiled.MODULES`` are ordinary typed Python, compiled to C by mypyc
when it and a C compiler are there: the same behaviour, faster. Without them, or with
``SIMCONC_PURE=1``, the install is pure Python and works the same. ``SIMCONC_REQUIRE_COMPILED=1``
makes a failed compile an error instead (CI sets it). See docs/architecture.md and docs/decisions.md.
"""
import glob
import hashlib
import os
import runpy
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = runpy.run_path(os.path.join(HERE, "simconc", "compiled.py"))["MODULES"]
FILES = [m.replace(".", "/") + ".py" for m in MODULES]
#: Imported modules outside the list are read for their types, not compiled; greenlet and SimPy
#: have no type information.
MYPY_OPTIONS = ["--ignore-missing-imports", "--follow-imports=silent"]
#: What records the sources compiled (simconc/compiled.py reads it at import).
RECORD = os.path.join("simconc", "_compiled_from.py")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


PURE = _flag("SIMCONC_PURE")
REQUIRED = _flag("SIMCONC_REQUIRE_COMPILED")


def _warn(message: str) -> None:
    print(f"\n*** simconc: {message}\n*** simconc: installing pure Python instead (the same "
          f"behaviour, slower).\n", file=sys.stderr)


def _remove_in_place() -> None:
    """Remove what an earlier editable build left beside the sources: a compiled module there
    would be imported instead of its source, even by a pure install."""
    patterns = [f[:-3] + ".*.so" for f in FILES] + [f[:-3] + ".*.pyd" for f in FILES]
    patterns += ["*__mypyc.*.so", "*__mypyc.*.pyd", RECORD]
    for path in sorted({p for pattern in patterns for p in glob.glob(os.path.join(HERE, pattern))}):
        os.remove(path)


class optional_build_ext(build_ext):
    """Compiles, then records the sources compiled; a build that fails installs pure Python."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:   # no compiler, a compile or link error, ...
            if REQUIRED:
                raise
            _warn(f"compiling the kernel failed ({type(exc).__name__}: {exc})")
            for ext in self.extensions:   # some compiled modules alone would not import
                for path in (self.get_ext_fullpath(ext.name),
                             os.path.join(self.build_lib, self.get_ext_filename(ext.name))):
                    if os.path.exists(path):
                        os.remove(path)
            self.extensions = []
            _remove_in_place()
            return
        if not self.extensions:
            return
        # Beside the compiled modules (in the source tree for an editable install, in the
        # wheel otherwise): module -> the hash of the source compiled.
        record = os.path.join(os.path.dirname(self.get_ext_fullpath("simconc._compiled_from")),
                              os.path.basename(RECORD))
        with open(record, "w") as f:
            f.write('"""Written by setup.py: what the compiled kernel was compiled from."""\n')
            f.write("SHA256 = {\n")
            for module, path in zip(MODULES, FILES):
                with open(os.path.join(HERE, path), "rb") as source:
                    f.write(f"    {module!r}: {hashlib.sha256(source.read()).hexdigest()!r},\n")
            f.write("}\n")


def _extensions() -> list:
    if PURE:
        _remove_in_place()
        return []
    # pip asks for metadata first (egg_info, dist_info): mypyc would type-check for nothing.
    args = set(sys.argv[1:])
    if args & {"egg_info", "dist_info", "sdist"} and not args & {
            "build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop"}:
        return []
    try:
        from mypyc.build import mypycify
        return mypycify(MYPY_OPTIONS + FILES, opt_level="3", group_name="simconc")
    except BaseException as exc:   # (mypyc reports a type error by sys.exit)
        if REQUIRED or isinstance(exc, KeyboardInterrupt):
            raise
        _warn(f"mypyc could not compile the kernel ({type(exc).__name__}: {exc})")
        _remove_in_place()
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": optional_build_ext})
