"""The one choice point.

Every nondeterministic decision of a simulated execution (which waiting thread takes the GIL,
which waiter a released lock wakes, the seed of the run's random stream, ...) is a call to
:meth:`Scheduler.choose`. The recorded sequence of choices *is* the schedule: it encodes to a short
printable token, and replaying the token reproduces the execution exactly.

A strategy decides; the scheduler records. Strategies see only the number of options and the kind
of decision, never SimPy internals.
"""
from __future__ import annotations

import base64
import random
import zlib
from typing import Any, Hashable, NamedTuple, Optional, Sequence

from mypy_extensions import mypyc_attr

from .errors import BadToken, ScheduleMismatch

#: The kinds of decision, by code. The code is part of the token (so a replay can say what kind of
#: decision it expected where it diverged); new kinds must only ever be appended.
KINDS = ("seed", "gil", "wake", "step")
_KIND_CODE = {name: code for code, name in enumerate(KINDS)}

#: The first character of a token names the semantics it was recorded under (the body is the same
#: encoding): ``1`` timed (``simconc run``), ``2`` untimed (``simconc explore``), where every
#: visible operation is a step the scheduler places, ``3`` untimed with the switch points of
#: CPython's GIL build (a thread is switched out only where its eval loop can drop the GIL).
SEMANTICS = {"1": "timed", "2": "untimed", "3": "untimed"}
SWITCH_POINTS = {"1": "any", "2": "any", "3": "gil"}
_CHAR = {(SEMANTICS[c], SWITCH_POINTS[c]): c for c in SEMANTICS}


class Option(NamedTuple):
    """One thread a ``step`` choice may pick, as a strategy sees it (untimed semantics)."""
    thread: tuple      # the thread's path (the same in every execution)
    name: str
    key: Hashable      # the location its step touches
    access: str        # how (see simconc.kernel.stepped.ACCESSES)
    #: Since its last step the thread slept or a timed wait ran out: a strategy that prefers
    #: to keep a thread running should let another one run first.
    yielded: bool = False
    #: It has polled ``POLLS`` times while others could have run: fairness says others first.
    polling: bool = False


class Choice(NamedTuple):
    kind: str
    n: int        # number of options
    index: int    # type: ignore[assignment]  # (hides tuple.index) the option taken, 0 <= index < n


_new_tuple = tuple.__new__   # a Choice straight from a tuple: one per choice, no Python call


# (Compiled, see setup.py, a class is subclassed by interpreted ones only if it says so.)
@mypyc_attr(allow_interpreted_subclasses=True)
class Strategy:
    """Decides a choice among ``n`` options of a given kind. Subclasses override :meth:`pick`.

    ``options``, given for ``step`` choices, describes each option (the thread and the operation
    it would do next: an :class:`Option`); strategies that only count options
    ignore it.
    """

    def pick(self, kind: str, n: int, step: int,
             options: Optional[Sequence[Any]] = None) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def finish(self, step: int) -> None:
        """Called once the execution is over, after ``step`` choices."""

    #: Set by strategies that want ``options`` described (and :meth:`observe` called).
    wants_options = False

    def observe(self, options: Sequence[Any]) -> None:
        """A step with one option, so no choice (and nothing recorded); shown to strategies
        with ``wants_options`` that follow every step."""


class RandomStrategy(Strategy):
    """Seeded uniform choice: the default of ``simconc run``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        #: Made at the first choice (seeding one costs as much as a small run that makes none).
        self._rng: Optional[random.Random] = None

    def pick(self, kind: str, n: int, step: int, options: Optional[Sequence[Any]] = None) -> int:
        if kind == "seed":
            # The run's random stream is seeded with the run's seed itself, so that a program's
            # random numbers under ``--seed 7`` are those of ``random.seed(7)``.
            return self.seed % n
        rng = self._rng
        if rng is None:
            rng = self._rng = random.Random(self.seed)
        return rng.randrange(n)


class ReplayStrategy(Strategy):
    """Feeds back a recorded schedule, and says exactly where a program stops fitting it."""

    def __init__(self, choices: Sequence[Choice]) -> None:
        self.choices = list(choices)

    def pick(self, kind: str, n: int, step: int, options: Optional[Sequence[Any]] = None) -> int:
        if step >= len(self.choices):
            raise ScheduleMismatch(
                f"the schedule ended after {len(self.choices)} choices, but the program asked for "
                f"another ({kind}, {n} options) at choice {step + 1}: the token belongs to a "
                f"different program, seed or profile", step + 1)
        want = self.choices[step]
        if want.kind != kind or want.n != n:
            raise ScheduleMismatch(
                f"the schedule diverged at choice {step + 1}: the token expects a {want.kind} "
                f"decision among {want.n} options, the program offers a {kind} decision among "
                f"{n}: the token belongs to a different program, seed or profile", step + 1)
        return want.index

    def finish(self, step: int) -> None:
        if step != len(self.choices):
            raise ScheduleMismatch(
                f"the program finished after {step} choices, but the schedule has "
                f"{len(self.choices)}: the token belongs to a different program, seed or profile",
                step + 1)


#: An untimed run's step limit unless it is told otherwise (a token keeps another one).
MAX_STEPS = 10_000


class Scheduler:
    """Asks the strategy, checks its answer, records it."""

    __slots__ = ("strategy", "choices", "semantics", "switch_points", "step_limit")

    def __init__(self, strategy: Strategy, semantics: str = "timed",
                 switch_points: str = "any") -> None:
        self.strategy = strategy
        self.choices: list[Choice] = []
        self.semantics = semantics
        self.switch_points = switch_points
        #: An untimed run's step limit, where the token must keep it (not the default, and the
        #: run went past the default or stopped at it): a replay stops, or goes on, where the
        #: run did. Set by the runner once the run is over.
        self.step_limit: Optional[int] = None

    def choose(self, kind: str, n: int, options: Optional[Sequence[Any]] = None) -> int:
        """The index of the option taken among ``n`` (``n == 1`` is no choice and not recorded)."""
        if n <= 1:
            if n == 1:
                return 0
            raise ValueError("choose() needs at least one option")
        step = len(self.choices)
        index = self.strategy.pick(kind, n, step, options)
        if not 0 <= index < n:
            raise ScheduleMismatch(
                f"choice {step + 1} ({kind}) took option {index}, outside 0..{n - 1}", step + 1)
        self.choices.append(_new_tuple(Choice, (kind, n, index)))
        return index

    def finish(self) -> None:
        self.strategy.finish(len(self.choices))

    @property
    def token(self) -> str:
        return encode_token(self.choices, self.semantics, self.switch_points, self.step_limit)


# --- tokens ---------------------------------------------------------------------------------------
# A token is the semantics' character (SEMANTICS) followed by url-safe base64 of the choices, each written as three
# unsigned LEB128 varints (kind code, number of options, index) and zlib-compressed when that is
# shorter (flag byte 'z') than raw (flag byte 'r'). A step limit other than the default comes
# first: flag byte 'L' and the limit as a varint.

def _varint(value: int, out: bytearray) -> None:
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def encode_token(choices: Sequence[Choice], semantics: str = "timed",
                 switch_points: str = "any", step_limit: Optional[int] = None) -> str:
    raw = bytearray()
    for choice in choices:
        _varint(_KIND_CODE[choice.kind], raw)
        _varint(choice.n, raw)
        _varint(choice.index, raw)
    packed = zlib.compress(bytes(raw), 9) if len(raw) > 48 else b""  # short: never smaller
    body = b"z" + packed if packed and len(packed) < len(raw) else b"r" + bytes(raw)
    if step_limit is not None:
        limit = bytearray(b"L")
        _varint(step_limit, limit)
        body = bytes(limit) + body
    text = base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")
    return _CHAR[semantics, switch_points] + text


def token_semantics(token: str) -> str:
    """``timed`` or ``untimed``: the semantics ``token`` was recorded under."""
    token = token.strip()
    if not token:
        raise BadToken("empty schedule token")
    if token[0] not in SEMANTICS:
        raise BadToken(f"schedule token {_short(token)} is not a simconc token (it should start "
                       f"with {' or '.join(repr(c) for c in SEMANTICS)})")
    return SEMANTICS[token[0]]


def token_switch_points(token: str) -> str:
    """``any`` or ``gil``: the switch points ``token`` was recorded with."""
    token_semantics(token)
    return SWITCH_POINTS[token.strip()[0]]


def token_step_limit(token: str) -> Optional[int]:
    """The step limit ``token`` was recorded under, if not the default."""
    return _body(token)[0]


def _body(token: str) -> tuple[Optional[int], bytes]:
    """(the step limit or None, the choices' flag byte and bytes) of ``token``."""
    token_semantics(token)
    token = token.strip()
    try:
        body = base64.urlsafe_b64decode(token[1:] + "=" * (-len(token[1:]) % 4))
    except (ValueError, TypeError):
        raise BadToken(f"schedule token {_short(token)} is not valid base64") from None
    if body[:1] != b"L":
        return None, body
    limit = shift = 0
    for i, byte in enumerate(body[1:], 1):
        limit |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return limit, body[i + 1:]
    raise BadToken(f"schedule token {_short(token)} is truncated")


def decode_token(token: str) -> list[Choice]:
    """The choices in ``token``; :class:`BadToken` with the reason if it is not a token."""
    _, body = _body(token)
    token = token.strip()
    if not body or body[:1] not in (b"z", b"r"):
        raise BadToken(f"schedule token {_short(token)} is damaged (unknown encoding)")
    raw = body[1:]
    if body[:1] == b"z":
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            raise BadToken(f"schedule token {_short(token)} is damaged (bad compression)") from None
    numbers: list[int] = []
    value = shift = 0
    for byte in raw:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            numbers.append(value)
            value = shift = 0
    if shift or len(numbers) % 3:
        raise BadToken(f"schedule token {_short(token)} is truncated")
    choices = []
    for i in range(0, len(numbers), 3):
        code, n, index = numbers[i:i + 3]
        if code >= len(KINDS) or not 0 <= index < n:
            raise BadToken(f"schedule token {_short(token)} is damaged at choice {i // 3 + 1}")
        choices.append(_new_tuple(Choice, (KINDS[code], n, index)))
    return choices


def _short(token: str) -> str:
    return repr(token if len(token) <= 24 else token[:20] + "...")
