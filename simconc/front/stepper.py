"""``simconc step FILE``: the learner as the scheduler, in a terminal.

The terminal's side of a :class:`simconc.explore.stepping.Session`: it shows where the session
stands (each thread, numbered, with its state, its next step and its line of code), reads a
command, and does it. Commands come one a line, from a person or from a script piped in: a line
read from a pipe is echoed after the prompt, so that a transcript reads as a terminal shows it.
The end of the input quits, printing the token of the schedule so far.
"""
from __future__ import annotations

import ast
import os
import sys
from typing import Optional, Sequence, TextIO

from ..explore.stepping import Session, ThreadView
from ..runner import RunResult
from ..runner.script import arguments_of
from .commands import replay_command

HELP = """\
  NUMBER     run that thread one step (then, while only one thread can go on, it goes on)
  a, Enter   let the scheduler choose, until a thread blocks, wakes or ends, a lock changes
             hands, or the goal is met (at most 100 steps)
  g          let the scheduler choose until the goal is met or the run ends
  u          undo the last command
  t          the schedule so far, as a token: `simconc replay FILE TOKEN` runs to here
  s          show the threads again
  h          a hint (puzzles)
  q          quit (so does the end of the input)
  ?          this help"""


class Stepper:
    """A session driven by commands, one a line (see the module's docstring)."""

    def __init__(self, session: Session, file: str, *, title: str = "", hint: str = "",
                 fewest: Optional[int] = None, context: int = 1,
                 out: Optional[TextIO] = None) -> None:
        self.session = session
        self.file = file
        self.title = title
        self.hint = hint
        self.fewest = fewest
        self.context = context
        self.out = out or sys.stdout
        self._printed = 0          # how much of the program's output is shown
        self._told_goal = False    # the goal, met, has been announced

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    # -- showing ---------------------------------------------------------------------------------
    def start(self) -> None:
        session = self.session
        self.say(f"simconc step {self.file}")
        if self.title:
            self.say(self.title)
        if session.goal is not None:
            fewest = f" (fewest steps known: {self.fewest})" if self.fewest is not None else ""
            self.say(f"goal: {session.goal.describe()}{fewest}")
        self.say("Pick a thread by its number; a lets the scheduler run; ? for help.")
        self.show()

    def show(self) -> None:
        """Where the session stands: new output, the goal if just met, the threads."""
        session = self.session
        self._show_output()
        self._show_goal()
        self.say()
        if session.over:
            self.say(f"after {session.steps} steps the run is over: {self._ending()}")
            for thread in session.threads:
                if thread.state != "done":
                    self._show_thread(thread)
            self.say("u undoes, t gives the token, q quits.")
            return
        self.say(f"step {session.steps}: which thread takes the next step?")
        for thread in session.threads:
            self._show_thread(thread)

    def _show_thread(self, thread: ThreadView) -> None:
        head = f"  {thread.number}  {thread.name}: {thread.state}"
        if thread.state == "runnable":
            head += f", next: {thread.next}"
        elif thread.state == "blocked":
            head += f", waits for {thread.waits_for}"
        if thread.where is not None:
            head += f"  ({os.path.basename(thread.where.filename)}:{thread.where.lineno})"
        self.say(head)
        if thread.where is None:
            return
        width = len(str(thread.where.lineno + self.context))
        for number, text in thread.context(self.context):
            mark = ">" if number == thread.where.lineno else " "
            self.say(f"     {mark} {number:>{width}}  {text}".rstrip())

    def _show_output(self) -> None:
        output = self.session.output
        new, self._printed = output[self._printed:], len(output)
        for line in new.splitlines():
            self.say(f"  | {line}")

    def _show_goal(self) -> None:
        reached = self.session.reached
        if reached is None:
            self._told_goal = False
            return
        if self._told_goal:
            return
        self._told_goal = True
        self.say(f"*** goal met after {reached.steps} steps: {reached.how}")
        if self.fewest is not None:
            self.say(f"    fewest steps known: {self.fewest} "
                     f"({verdict(reached.steps, self.fewest, 'u undoes')})")
        self._show_token()

    def _show_token(self) -> None:
        token = self.session.token
        self.say(f"    token: {token}")
        replay = replay_command(self.file, token, arguments_of(self.session.program))
        self.say(f"    replay: {replay}")

    def _ending(self) -> str:
        result = self.session.result
        assert result is not None
        return ending(result)

    # -- commands ----------------------------------------------------------------------------------
    def do(self, line: str) -> bool:
        """Do one command; False once it says to quit."""
        command = line.strip()
        session = self.session
        try:
            if command in ("q", "quit", "exit"):
                return False
            if command in ("?", "help"):
                self.say(HELP)
                return True
            if command == "t":
                self._show_token()
                return True
            if command == "h":
                self.say(f"  hint: {self.hint}" if self.hint else "  (no hint for this one)")
                return True
            if command == "s":
                self._printed = 0
                self.show()
                return True
            if command == "u":
                if not session.undo():
                    self.say("  nothing to undo")
                    return True
                self._printed = min(self._printed, len(session.output))
                self.say(f"  undone: back at step {session.steps}")
                self.show()
                return True
            if command in ("", "a", "g"):
                rows = session.auto(until="goal" if command == "g" else "event",
                                    limit=session.max_steps if command == "g" else 100)
            elif command.isdigit():
                rows = session.pick(int(command))
            else:
                self.say(f"  {command!r} is not a command: type a thread's number, a, u, t, "
                         f"q, or ? for help")
                return True
        except ValueError as exc:
            self.say(f"  {exc}")
            return True
        for row in rows:
            where = f"  ({row['where']})" if row["where"] else ""
            what = f"{row['op']} {row['obj']}".rstrip()
            self.say(f"  step {row['step']:>3}  {row['thread']}: {what}{where}")
        if session.because and command in ("", "a", "g") and not session.over:
            self.say(f"  (stopped: {session.because})")
        self.show()
        return True

    def finish(self) -> None:
        steps = self.session.steps
        self.say(f"simconc step: {steps} step{'s' if steps != 1 else ''} taken")
        self._show_token()


def ending(result: RunResult) -> str:
    """How an ended run ended, in a few words (what a session shows once it is over)."""
    if result.status == "ok":
        return "the program ended"
    if result.status == "check":
        return result.check_failure or "the check failed"
    if result.status == "deadlock" and result.deadlock is not None:
        cycle = result.deadlock.cycle
        return "deadlock: " + (" -> ".join(cycle + cycle[:1]) if cycle else
                               "no thread can go on")
    if result.status == "limit":
        return "the step limit stopped it"
    if result.error:
        return result.error
    if result.exceptions:
        first = result.exceptions[0]
        return f"it ended with an uncaught {first.type}: {first.message} (in {first.thread})"
    return f"it {result.exit_status}"


def verdict(steps: int, fewest: int, undo: str = "undo") -> str:
    """How a goal met after ``steps`` steps compares with the ``fewest`` known (``undo``: how
    the learner undoes a step, to say so)."""
    if steps == fewest:
        return "you matched it"
    if steps > fewest:
        return f"{steps - fewest} more than that: {undo}"
    return "fewer than known: please tell us how"


def drive(stepper: Stepper, commands: TextIO, prompt: str = "> ") -> None:
    """Read commands from ``commands`` until ``q`` or the end of the input."""
    echo = not commands.isatty()
    stepper.start()
    while True:
        stepper.out.write(prompt)
        stepper.out.flush()
        line = commands.readline()
        if not line:
            stepper.say("(end of input)" if echo else "")
            break
        if echo:
            stepper.say(line.rstrip("\n"))
        if not stepper.do(line):
            break
    stepper.finish()


def undefined(path: str, functions: Sequence[str]) -> list[str]:
    """Those of ``functions`` that the file at ``path`` defines nowhere (a goal's critical
    section may be misspelt: it would never be met)."""
    try:
        tree = ast.parse(open(path, encoding="utf-8").read())
    except (OSError, SyntaxError, ValueError):
        return []
    defined = {node.name for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return [f for f in functions if f not in defined]


def file_name(path: str) -> str:
    """How the file is shown: relative to the current directory when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
