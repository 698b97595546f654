"""The documentation's examples are real: every command in a ```console block of docs/*.md is
run again and must print exactly what the page shows.

A block is a shell session: a line ``$ COMMAND`` followed by what it printed (stdout and stderr
together, as a terminal shows them), then the next ``$`` line. The commands checked are
``simconc ...`` (run as ``python -m simconc ...``), ``python FILE ...`` and ``python -c ...``,
each optionally preceded by environment assignments (``PYTHONHASHSEED=1 simconc ...``), and
``echo $?``, whose documented output must be the exit status of the command before it. Every
command runs from the repository root, with this checkout's simconc first on the path. Any other
command, or one with a pipe or another redirection, is shown to the reader but not checked; a
command may read its input from a file of the repository (``simconc step ... < FILE``), as a
person's keystrokes piped in.

A command that draws a picture into ``docs/`` (``--deadlock-graph docs/images/x.svg``) draws it
into a temporary folder instead, and the picture must be the one committed there: what the page
shows is what its command makes now.

After an intended change of output, refresh the pages (and their pictures) and review the diff:

    python tests/test_docs.py --update
"""
from __future__ import annotations

import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "2>&1", "&"}


@dataclass
class Command:
    page: str
    lineno: int              # 1-based line of the `$ ` line in the page
    text: str                # the command, without "$ "
    expected: list[str]      # the documented output lines
    argv: Optional[list[str]] = None       # None: shown, not checked
    env: dict = field(default_factory=dict)
    is_status: bool = False  # `echo $?`: checks the exit status of the command before it
    previous: Optional["Command"] = None
    stdin: Optional[str] = None   # `< FILE`: the file (relative to the repository) it reads

    @property
    def id(self) -> str:
        return f"{self.page}:{self.lineno}: {self.text}"


def _parse_command(text: str) -> tuple[Optional[list[str]], dict, bool, Optional[str]]:
    if text.strip() == "echo $?":
        return None, {}, True, None
    try:
        words = shlex.split(text)
    except ValueError:
        return None, {}, False, None
    stdin = None
    if len(words) > 2 and words[-2] == "<" and (REPO / words[-1]).is_file():
        stdin, words = words[-1], words[:-2]
    if any(w in _SHELL_OPERATORS for w in words):
        return None, {}, False, None
    env = {}
    while words and _ENV_ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if not words:
        return None, {}, False, None
    if words[0] == "simconc":
        return [sys.executable, "-m", "simconc", *words[1:]], env, False, stdin
    if words[0] in ("python", "python3") and len(words) > 1 and (
            words[1] == "-c" or not words[1].startswith("-")):
        return [sys.executable, *words[1:]], env, False, stdin
    return None, {}, False, None


def collect(docs: Path = DOCS) -> list[Command]:
    """Every command of every ```console block, in page order."""
    commands: list[Command] = []
    for page in sorted(docs.glob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        in_block = False
        current: Optional[Command] = None
        previous: Optional[Command] = None
        for i, line in enumerate(lines):
            stripped = line.strip()
            if not in_block:
                if stripped.startswith("```console"):
                    in_block, current, previous = True, None, None
                continue
            if stripped.startswith("```"):
                in_block, current = False, None
                continue
            if line.startswith("$ "):
                text = line[2:]
                argv, env, is_status, stdin = _parse_command(text)
                current = Command(page.name, i + 1, text, [], argv, env, is_status, previous,
                                  stdin)
                commands.append(current)
                previous = current
            elif current is not None:
                current.expected.append(line)
    return commands


@dataclass
class Outcome:
    output: str
    returncode: int
    #: The pictures the command drew into docs/: their path in the repository -> their bytes.
    pictures: dict = field(default_factory=dict)


#: What a command may draw into docs/ for a page to show (compared with what is committed).
_PICTURES = (".svg",)


def _drawn_into_docs(word: str) -> bool:
    return word.endswith(_PICTURES) and Path(word).parts[:1] == ("docs",)


def execute(command: Command) -> Outcome:
    with tempfile.TemporaryDirectory() as folder:
        argv, pictures = list(command.argv), {}
        for n, word in enumerate(argv):
            if _drawn_into_docs(word):
                pictures[word] = argv[n] = os.path.join(folder, f"{n}-{Path(word).name}")
        outcome = _execute(command, argv)
        for word, drawn in pictures.items():
            if os.path.exists(drawn):
                outcome.pictures[word] = Path(drawn).read_bytes()
            # (what it said of the file: the page's path, not the temporary one)
            outcome.output = outcome.output.replace(drawn, word)
        return outcome


def _execute(command: Command, argv: list[str]) -> Outcome:
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    env.update({
        # A terminal is line-buffered: the program's lines and simconc's stderr interleave as
        # they are written, not as a pipe's buffer happens to flush them.
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(REPO)] + [p for p in env.get("PYTHONPATH", "")
                                                       .split(os.pathsep) if p]),
        "COLUMNS": "80",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update(command.env)
    stdin = open(REPO / command.stdin, encoding="utf-8") if command.stdin else subprocess.DEVNULL
    try:
        proc = subprocess.run(argv, cwd=REPO, env=env, stdin=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=120)
    finally:
        if command.stdin:
            stdin.close()
    # (An exploration that runs for long says how far it got every ten seconds, in a log, and a
    # run whose thread computes for ten seconds of real time says so: lines of the machine's
    # speed, which a page cannot show.)
    return Outcome(_PROGRESS.sub("", proc.stdout), proc.returncode)


_PROGRESS = re.compile(r"^simconc: (exploring: |thread '.*' has computed for ).*\n", re.MULTILINE)


def _expected_text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def run_all(commands: list[Command]) -> dict[int, Outcome]:
    """Run every checked command, in parallel (they are independent processes); a command shown
    on several pages runs once (simconc is deterministic: it would print the same again)."""
    unique: dict[tuple, Command] = {}
    for c in commands:
        if c.argv is not None:
            unique.setdefault(_key(c), c)
    workers = max(2, min(8, (os.cpu_count() or 2)))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        # The spin-timeout example waits in real time: start it first.
        order = sorted(unique, key=lambda k: "--spin-timeout" not in k[0])
        done = dict(zip(order, pool.map(execute, [unique[k] for k in order])))
    return {id(c): done[_key(c)] for c in commands if c.argv is not None}


def _key(command: Command) -> tuple:
    assert command.argv is not None
    return tuple(command.argv), tuple(sorted(command.env.items())), command.stdin


COMMANDS = collect()


@pytest.fixture(scope="module")
def outcomes() -> dict[int, Outcome]:
    return run_all(COMMANDS)


def test_the_docs_have_examples_to_check():
    checked = [c for c in COMMANDS if c.argv is not None]
    assert len(checked) >= 20, [c.id for c in COMMANDS]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.argv is not None or c.is_status],
                         ids=lambda c: c.id)
def test_documented_output_is_what_the_command_prints(command, outcomes):
    if command.is_status:
        before = command.previous
        assert before is not None and before.argv is not None, \
            f"{command.id}: `echo $?` must follow a checked command in the same block"
        assert _expected_text(command.expected) == f"{outcomes[id(before)].returncode}\n", \
            f"{before.id} exits with {outcomes[id(before)].returncode}"
        return
    actual = outcomes[id(command)].output
    expected = _expected_text(command.expected)
    assert actual == expected, (
        f"\n{command.id}\nprints (see `python tests/test_docs.py --update`):\n{actual}")
    for word in command.argv:
        if _drawn_into_docs(word):
            drawn = outcomes[id(command)].pictures.get(word)
            committed = REPO / word
            assert (drawn is None) == (not committed.exists()), (
                f"{command.id}: {'draws' if drawn is not None else 'does not draw'} {word}, "
                f"which is {'not ' if not committed.exists() else ''}committed "
                f"(see `python tests/test_docs.py --update`)")
            assert drawn is None or drawn == committed.read_bytes(), (
                f"{command.id}: draws {word} otherwise now (see `python tests/test_docs.py "
                f"--update`)")


def test_every_link_between_pages_resolves():
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


# --- refreshing the pages -------------------------------------------------------------------------

def update(docs: Path = DOCS) -> int:
    """Rewrite each checked command's output with what it prints now; the number changed."""
    commands = collect(docs)
    outcomes = run_all(commands)
    changed = 0
    for page in sorted({c.page for c in commands}):
        path = docs / page
        lines = path.read_text(encoding="utf-8").splitlines()
        # Work bottom-up so that earlier line numbers stay valid.
        for command in sorted((c for c in commands if c.page == page), key=lambda c: -c.lineno):
            if command.is_status and command.previous is not None \
                    and command.previous.argv is not None:
                new = [str(outcomes[id(command.previous)].returncode)]
            elif command.argv is not None:
                new = outcomes[id(command)].output.splitlines()
            else:
                continue
            start = command.lineno  # index of the first output line
            end = start + len(command.expected)
            if lines[start:end] != new:
                changed += 1
                lines[start:end] = new
            if command.argv is not None:
                for word, picture in outcomes[id(command)].pictures.items():
                    target = REPO / word
                    if not target.exists() or target.read_bytes() != picture:
                        changed += 1
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(picture)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        print(f"updated {update()} command outputs in {DOCS}")
    else:
        sys.exit("usage: python tests/test_docs.py --update   (or run it with pytest)")
