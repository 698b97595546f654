"""The sync layer: CPython's C-level primitives on the kernel's one waiting mechanism."""
from .lock import TIMEOUT_MAX, Lock, RLock, check_timeout, fake_address

__all__ = ["Lock", "RLock", "TIMEOUT_MAX", "check_timeout", "fake_address"]
