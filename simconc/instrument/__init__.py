"""Making a program's shared-memory accesses visible: its code is rewritten as it is compiled
(a scenario file, or a package named for instrumentation as it is imported) so that each read
and write of shared state calls a hook, which makes it a visible operation of the kernel.

``rewrite`` turns the syntax tree; ``hooks`` is what the rewritten code calls at run time;
``importer`` instruments named packages on import.
"""
from .hooks import hooks
from .importer import instrument_packages, instrumented
from .rewrite import body_variables, compile_instrumented

__all__ = ["body_variables", "compile_instrumented", "hooks", "instrument_packages",
           "instrumented"]
