"""The happens-before order of one execution's steps, by vector clocks: its races, and the
steps that reverse each.

A step happens before another of the same execution when it comes first in its thread, when it
started the other's thread, or when the two are dependent (dependence.py) and it ran first; and
through any chain of these. Two dependent steps of different threads that nothing else orders
race: the execution could have taken them the other way round, unless the first enabled the
second. A lock's acquire also races with the lock's previous acquire, past the release between
them, and is ordered in that race's reversal as it would be there (dpor.py says why).

The exploration's shared tool: the search plans the reversal of each race (dpor.py), the digest
of a trace hashes the clocks (naming.py), and a failure's report names its races (report.py).
"""
from __future__ import annotations

from typing import Any, Hashable, Optional, Sequence

from ..kernel import BLOCKING, Step

_ACQUIRES = ("acq", "try")    # the accesses that take a lock


class HappensBefore:
    """Vector clocks over one execution's steps: program order, a thread's start, and every
    pair of dependent steps in the order they ran.

    Threads are numbered in the order they first take a step, and a clock is a list indexed by
    that number: lists are far cheaper to copy and join than dicts keyed by thread paths. A
    step's own entry in its clock is its 1-based position in its thread.
    """

    def __init__(self, steps: Sequence[Step], pending: Sequence[Step] = ()) -> None:
        self.steps = list(steps)
        # The threads of ``pending`` (steps :meth:`push` may add) are numbered too, so that
        # every clock has a place for every thread that can appear.
        paths = [step.thread for step in self.steps]
        threads = {path: n for n, path in
                   enumerate(dict.fromkeys(paths + [step.thread for step in pending]))}
        self._threads = threads
        self._zero = [0] * len(threads)
        self.number = [threads[path] for path in paths]   # each step's thread, as its number
        self.clocks: list[list[int]] = []
        #: The step each unfinished thread was waiting to take when the run ended.
        self._pending = {step.thread: step for step in pending}
        #: The steps that can race with earlier ones (they have dependent steps of other
        #: threads right before them, or are acquires), in order: the clock before the step
        #: (program order, start) and those steps (the last of each thread, at least).
        self.racy: dict[int, tuple[list[int], list[int]]] = {}
        self.previous_acquire: dict[int, int] = {}   # acquire step -> the lock's acquire before
        self._last = [-1] * len(threads)     # each thread's last step so far
        # Per location: the last step that was not a read, and each thread's last read since.
        # Every earlier access happens before one of these, so they are the only edges a new
        # access needs (an earlier read of a thread is before its later one: program order).
        self._last_write: dict = {}
        self._reads_since: dict[Hashable, dict[int, int]] = {}
        self._last_acquire: dict = {}        # per lock: its last acquire (or try) so far
        # Per container: the keys of it accessed since it was last written as a whole. An
        # access to the whole is ordered after theirs, and theirs after the whole's (see
        # dependence.py, whole_of): a container and its keys are one family of locations.
        self._parts: dict = {}
        self._add(0, record=True)

    def _add(self, start: int, record: bool) -> None:
        """Compute the clocks of the steps from ``start`` on. With ``record``, later steps are
        ordered after them (:meth:`push` does not record)."""
        steps, number, clocks, racy, last = (self.steps, self.number, self.clocks, self.racy,
                                             self._last)
        last_write, reads_since, last_acquire = (self._last_write, self._reads_since,
                                                 self._last_acquire)
        parts, zero = self._parts, self._zero
        for i in range(start, len(steps)):
            step = steps[i]
            t = number[i]
            prev = last[t]
            if prev >= 0:
                base = clocks[prev]
            elif step.spawn_step >= 0:
                base = clocks[step.spawn_step]
            else:
                base = zero
            if record:
                last[t] = i
            key, access = step.key, step.access
            # The accesses of other threads this one is ordered after (the reads since a write
            # all come after it).
            write = last_write.get(key)
            preds = [write] if write is not None and number[write] != t else []
            if access == "r":
                if record:
                    reads_since.setdefault(key, {})[t] = i
            else:
                if key in reads_since:
                    preds += [j for u, j in reads_since[key].items() if u != t]
                if record:
                    last_write[key] = i
                    reads_since.pop(key, None)
            # The family rule (``_family``) concerns a container's keys, and a container whose
            # keys were accessed. (whole_of, and the usual case of _family, inlined: this runs
            # for every step.)
            if type(key) is tuple and len(key) == 3 and key[1] == "[]":
                whole = key[:2]
                if whole in last_write or whole in reads_since:
                    preds = self._family(i, t, key, access, whole, preds, record)
                elif record:   # nothing has touched the whole yet (a thread's liveness, say)
                    parts.setdefault(whole, {})[key] = None
            elif key in parts:
                preds = self._family(i, t, key, access, key, preds, record)
            clock = base.copy()    # ``base`` is another step's clock (or the shared zero)
            clock[t] = base[t] + 1 if prev >= 0 else 1
            clocks.append(clock)
            if preds:
                for j in preds:
                    for u, n in enumerate(clocks[j]):
                        if clock[u] < n:
                            clock[u] = n
                racy[i] = (base, preds)
            if access == "acq" and key in last_acquire:
                # An acquire races with the lock's previous acquire too (see races).
                self.previous_acquire[i] = last_acquire[key]
                racy[i] = (base, preds)
            if record and access in _ACQUIRES:
                last_acquire[key] = i

    def _family(self, i: int, t: int, key: Any, access: str, whole: Any, preds: list[int],
                record: bool) -> list[int]:
        """``preds`` with the accesses of ``key``'s family that step ``i`` is ordered after: of
        the whole container for one of its keys, of every key for the whole. (:meth:`_add`
        handles the usual case itself: a key of a container nothing has touched whole.)"""
        number, last_write, reads_since = self.number, self._last_write, self._reads_since
        related = [whole] if key != whole else list(self._parts.get(whole, ()))
        for other in related:
            write = last_write.get(other)
            if write is not None and number[write] != t:
                preds.append(write)
            if access != "r":
                preds += [j for u, j in reads_since.get(other, {}).items() if u != t]
        if record:
            if key != whole:
                self._parts.setdefault(whole, {})[key] = None
            elif access != "r":   # written whole: after everything done to its keys
                for part in self._parts.pop(whole, ()):
                    last_write.pop(part, None)
                    reads_since.pop(part, None)
        return sorted(set(preds))

    def next_step(self, j: int) -> Optional[tuple]:
        """``(key, access)`` of the step step ``j``'s thread takes after it: its next step here,
        or the one it was waiting to take when the run ended; None if it had ended. (Asked
        seldom, by the search's wakeup-tree insertion: looked for, not kept for every step.)"""
        steps, number = self.steps, self.number
        t = number[j]
        step = next((steps[k] for k in range(j + 1, len(steps)) if number[k] == t),
                    self._pending.get(steps[j].thread))
        if step is None or step is steps[j]:
            return None
        return step.key, step.access

    def step_after(self, thread: tuple, at: int, skip: int) -> Optional[tuple]:
        """``(key, access)`` of the step ``thread`` takes here after its steps before step
        ``at`` and ``skip`` more (or the one it was waiting to take when the run ended); None if
        it took fewer, or none here at all."""
        t = self._threads.get(thread)
        if t is None:
            return None
        steps, number = self.steps, self.number
        for k in range(at, len(steps)):
            if number[k] == t:
                if skip == 0:
                    return steps[k].key, steps[k].access
                skip -= 1
        step = self._pending.get(thread)
        if skip or step is None or (steps and step is steps[-1]):   # (pushed: counted above)
            return None
        return step.key, step.access

    def took_locks(self) -> bool:
        """Whether any step acquired (or tried to acquire) a lock."""
        return bool(self._last_acquire)

    def number_of(self, thread: tuple) -> int:
        """Where ``thread``'s entry is in the clocks."""
        return self._threads[thread]

    def push(self, step: Step) -> int:
        """Add ``step`` after the last step for a while (nothing is ordered after it, until
        :meth:`pop` takes it away); its index."""
        i = len(self.steps)
        self.steps.append(step)
        self.number.append(self._threads[step.thread])
        self._add(i, record=False)
        return i

    def pop(self) -> None:
        """Take away the step :meth:`push` added."""
        i = len(self.steps) - 1
        for per_step in (self.steps, self.number, self.clocks):
            del per_step[i]
        self.racy.pop(i, None)
        self.previous_acquire.pop(i, None)

    def local(self, j: int) -> int:
        """Step ``j``'s 1-based position in its thread."""
        return self.clocks[j][self.number[j]]

    def before(self, j: int, k: int) -> bool:
        """Whether step ``j`` happens before step ``k``."""
        t = self.number[j]
        return self.clocks[k][t] >= self.clocks[j][t]

    def reversal(self, j: int, i: int, whole: bool = True) -> list[int]:
        """What reverses the race of step ``j`` with step ``i``: every step after ``j`` that
        ``j`` does not happen before (the paper's ``notdep``) and ``i``. The steps after ``i``
        belong there too, as in the paper: the sleep check's "a sleeping thread that could go
        first" is only sound against the whole of it (:meth:`.dpor.Dpor._insert`). Not ``whole``:
        only those before ``i``. The paper puts ``i`` last; here the steps are in the order
        they ran, an equivalent order (nothing after ``i`` happens before it) with fewer
        switches between threads: the first execution of the plan takes them in this order."""
        t, clocks = self.number[j], self.clocks
        local = clocks[j][t]
        end = len(clocks) if whole else i + 1
        return [k for k in range(j + 1, end) if k == i or clocks[k][t] < local]

    def clock_past(self, j: int, i: int) -> Optional[tuple[int, list[int]]]:
        """``(i, clock)``: step ``i``'s clock in the reversal of its race with step ``j``, where
        that is not its clock here. An acquire racing with the lock's previous acquire ``j`` is
        ordered here after ``j``'s release, and so after whatever came before that release;
        placed before ``j``, it comes after none of that, only after its own thread's steps and
        the steps it depends on that ``j`` does not come before. None for any other race (the
        steps of its reversal are ordered among themselves as here)."""
        if self.previous_acquire.get(i) != j:
            return None
        base, preds = self.racy[i]
        clock = base.copy()
        t = self.number[i]
        clock[t] = self.clocks[i][t]
        for p in preds:
            if not self.before(j, p):
                for u, n in enumerate(self.clocks[p]):
                    if clock[u] < n:
                        clock[u] = n
        return i, clock

    def _through_others(self, i: int, t: int) -> int:
        """Thread ``t``'s entry in the clock step ``i`` would have without its direct edges
        from ``t``: how far into ``t`` step ``i`` is ordered through the other threads."""
        clocks, number = self.clocks, self.number
        base, preds = self.racy[i]
        reached = base[t]
        for k in preds:
            if number[k] != t and clocks[k][t] > reached:
                reached = clocks[k][t]
        return reached

    def races(self, i: int) -> list[int]:
        """The steps ``j`` in a reversible race with step ``i``: dependent, of another thread,
        ordered before it by nothing else, and not the step that enabled it."""
        if i not in self.racy:
            return []
        step = self.steps[i]
        steps, number, clocks = self.steps, self.number, self.clocks
        last_of: dict[int, int] = {}         # thread -> its last step among those before i
        for j in self.racy[i][1]:
            last_of[number[j]] = j
        found = []
        for t, j in last_of.items():
            if step.access in BLOCKING and steps[j].access in ("rel", "w"):
                continue   # it could not have come first: that step enabled it
            if self._through_others(i, t) < clocks[j][t]:
                found.append(j)
        if step.access == "acq":
            # The acquire races with the lock's previous acquire, past the release between them.
            acquired = self.previous_acquire.get(i)
            if acquired is not None and number[acquired] != number[i] and \
                    acquired not in found and \
                    self._through_others(i, number[acquired]) < self.local(acquired):
                found.append(acquired)
        return sorted(found)
