"""The speed benchmark: builds large journals, times peerjournal against its targets.

Run from the repository, with the interpreter peerjournal is installed in:

    .venv/bin/python benchmarks/run.py [--runs 7] [--warmup 1] [--no-jrnl] [--rebuild]

Every case runs after a warm-up, several times, interleaved with its baseline
so that a busy moment on the machine slows both alike; ratios compare
medians. The run ends with one table and exits 1 when any target is missed
(a command that does not exist yet counts as missed).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.journal_builder import (  # noqa: E402
    BUILDER_REVISION,
    SEARCH_WORD,
    build_journal,
    sample_entries,
    write_jrnl_journal,
)

WORK = ROOT / "benchmarks" / ".work"
BARE_APP = ROOT / "benchmarks" / "bare_app.py"

TEN_YEARS = ("ten-year", 60_000, 3_652)
# The same pace as the ten-year journal (about 16 conversations a day), so that
# "scaling" compares a journal's age, not how busy its last week was: a review
# of a week with 99 conversations draws more than one with 12, whatever the
# history behind it.
ONE_MONTH = ("one-month", 493, 30)
JRNL_SIZES = (1_000, 10_000)
JRNL_DAYS = 730

# The guided log's first question, where it waits for an answer ("  When [Enter: now]: ").
FIRST_PROMPT = re.compile(r"When \[Enter")
DB_LOADED_MARK = "<<database layer loaded>>"

# Walking the guided log to its end. Matched loosely, so that questions may be
# added, reworded or reordered: a question is quiet output whose last line ends
# like a prompt; the save question is the one that says "Save" before a "[".
SAVE_QUESTION = re.compile(r"Save\b.*\[")
SAVED = re.compile(r"Saved\b")
PROMPT_END = re.compile(r"[:>\]?]\s*$")
SCREEN_CODES = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|[\x01\x02\r]"
)
QUIET = 0.08  # seconds without output before a question is taken to be waiting
MOST_QUESTIONS = 200

# Quick commands and the guided log's first question, against a bare Typer app's --help.
TARGET_STARTUP = 1.3
# list, show, search and review on the ten-year journal, against the same yardstick:
# the read side never loads the ORM.
TARGET_EVERYDAY = 1.5
# log --no-input, against importing Typer, Rich, SQLModel and platformdirs.
TARGET_SCRIPTED_LOG = 1.25
# The guided log, from sending the last answer to "Saved" on screen (seconds).
TARGET_SAVE = 0.060
TARGET_SCALING = 1.15
TARGET_MEMORY = 1.5
TARGET_JRNL = 1.0

HEAVY_IMPORTS = "import typer, rich, sqlmodel, platformdirs"

# Runs a command in-process and says its exit code and which heavy modules it loaded.
IMPORT_PROBE = """
import sys
from peerjournal.cli import main
sys.argv = ["peerjournal", *{args!r}]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{"sqlmodel", "sqlalchemy", "pydantic"}})
print("HEAVY", code, ",".join(heavy), file=sys.stderr)
"""

# The guided log with a mark written to the terminal the moment the database layer loads.
PROMPT_ORDER_PROBE = f"""
import os, sys
seen = []
def hook(event, args):
    if (not seen and event == "import"
            and str(args[0]).split(".")[0] in ("sqlmodel", "sqlalchemy")):
        seen.append(1)
        os.write(2, b"\\n{DB_LOADED_MARK}\\n")
sys.addaudithook(hook)
from peerjournal.cli import main
sys.argv = ["peerjournal", "log"]
main()
"""

# Runs a command and reports the peak resident memory of it (KiB) and its exit code.
MEMORY_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE, check=False)
sys.stderr.buffer.write(done.stderr[-2000:])
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


# --- measuring -------------------------------------------------------------------


@dataclass
class Command:
    """One thing to time: a command line, a terminal session up to its first prompt,
    or the guided log's saving after its last answer."""

    label: str
    argv: list[str]
    env: dict[str, str]
    pty_until: re.Pattern[str] | None = None
    setup: Callable[[], None] | None = None
    # Answer every question of the guided log and time only its saving.
    guided_save: bool = False


@dataclass
class Measure:
    """The samples of one command, or why there are none."""

    label: str
    unit: str = "s"
    samples: list[float] = field(default_factory=list)
    problem: str | None = None
    short: str = ""  # how the table names it when it is the yardstick

    def __post_init__(self) -> None:
        self.short = self.short or self.label

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def _problem(command: Command, code: int, stderr: str) -> str:
    if code == 2 and "No such command" in stderr:
        return "missing"
    last = [line.strip(" │╭╰─") for line in stderr.strip().splitlines() if line.strip(" │╭╰─")]
    detail = last[-1][:70] if last else "no message"
    return f"failed (exit {code}): {detail}"


def time_once(command: Command) -> tuple[float, str | None]:
    """Seconds the command took, and a problem if it did not succeed."""
    if command.setup is not None:
        command.setup()
    if command.pty_until is not None:
        return _time_to_prompt(command)
    if command.guided_save:
        return _time_guided_save(command)
    start = time.perf_counter()
    done = subprocess.run(
        command.argv,
        env=command.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        return elapsed, _problem(command, done.returncode, done.stderr.decode(errors="replace"))
    return elapsed, None


def _time_to_prompt(command: Command) -> tuple[float, str | None]:
    import pexpect

    assert command.pty_until is not None
    start = time.perf_counter()
    child = pexpect.spawn(
        command.argv[0],
        command.argv[1:],
        env=command.env,
        dimensions=(40, 100),
        encoding="utf-8",
        codec_errors="replace",
    )
    try:
        child.expect(command.pty_until, timeout=30)
        elapsed = time.perf_counter() - start
    except (pexpect.EOF, pexpect.TIMEOUT):
        elapsed = time.perf_counter() - start
        output = child.before or ""
        child.close(force=True)
        code = child.exitstatus if child.exitstatus is not None else -1
        return elapsed, _problem(command, code, output) if code else "no prompt appeared"
    child.kill(signal.SIGKILL)
    child.close(force=True)
    return elapsed, None


def _time_guided_save(command: Command) -> tuple[float, str | None]:
    """Seconds from sending the last answer of a guided log to "Saved" on the screen.

    Every question is answered with Enter (skip, or take the default), and the
    save question with "y". The flow before it is not timed.
    """
    import pexpect

    child = pexpect.spawn(
        command.argv[0],
        command.argv[1:],
        env=command.env,
        dimensions=(40, 100),
        encoding="utf-8",
        codec_errors="replace",
    )
    child.delaybeforesend = None
    try:
        problem = _answer_until_save_question(child)
        if problem is not None:
            return 0.0, problem
        start = time.perf_counter()
        child.send("y\r")
        try:
            child.expect(SAVED, timeout=30)
        except (pexpect.EOF, pexpect.TIMEOUT):
            output = SCREEN_CODES.sub("", child.before or "")
            return time.perf_counter() - start, _problem(command, 1, output)
        elapsed = time.perf_counter() - start
        child.expect(pexpect.EOF, timeout=30)
        child.close()
        if child.exitstatus != 0:
            return elapsed, f"failed (exit {child.exitstatus}) after saving"
        return elapsed, None
    finally:
        if child.isalive():
            child.kill(signal.SIGKILL)
        child.close(force=True)


def _answer_until_save_question(child: Any) -> str | None:
    """Press Enter at each question until the save question is waiting; None when it is."""
    import pexpect

    screen = ""
    answered = False  # text up to the echo of the last answer belongs to the question before
    for _ in range(MOST_QUESTIONS):
        while True:
            try:
                screen += child.read_nonblocking(4096, timeout=QUIET)
            except pexpect.TIMEOUT:
                break
            except pexpect.EOF:
                child.close()
                tail = SCREEN_CODES.sub("", screen).strip().splitlines()
                return f"ended before saving (exit {child.exitstatus}): {(tail or ['?'])[-1][:60]}"
        text = SCREEN_CODES.sub("", screen)
        if answered:
            text = text.partition("\n")[2]
        if SAVED.search(text):
            return "saved before its save question was seen"
        lines = [line for line in text.splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        if SAVE_QUESTION.search(last):
            return None
        if PROMPT_END.search(last):
            child.send("\r")
            screen, answered = "", True
    return f"no save question after {MOST_QUESTIONS} answers"


def measure(commands: Sequence[Command], runs: int, warmup: int) -> dict[str, Measure]:
    """Time each command `runs` times after `warmup` runs, round-robin across commands."""
    results = {c.label: Measure(c.label) for c in commands}
    for command in commands:
        for _ in range(warmup):
            _elapsed, problem = time_once(command)
            if problem:
                results[command.label].problem = problem
                break
    for round_number in range(runs):
        _progress(f"  round {round_number + 1}/{runs}")
        for command in commands:
            result = results[command.label]
            if result.problem:
                continue
            elapsed, problem = time_once(command)
            if problem:
                result.problem = problem
            else:
                result.samples.append(elapsed)
    return results


def measure_memory(label: str, argv: list[str], env: dict[str, str], runs: int) -> Measure:
    """Peak resident memory of a command, in MiB, from a fresh wrapper process each time."""
    result = Measure(label, unit="MiB")
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_WRAPPER, *argv],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        code_text, kib = done.stdout.split()
        if int(code_text) != 0:
            result.problem = _problem(Command(label, argv, env), int(code_text), done.stderr)
            return result
        result.samples.append(int(kib) / 1024)
    return result


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- checks and the table -----------------------------------------------------------


@dataclass
class Check:
    """One target: a measure against its baseline, or a yes/no probe."""

    case: str
    subject: Measure | None
    baseline: Measure | None
    target: float | None  # ratio at most this (strictly below for "faster than")
    strict: bool = False
    verdict: str | None = None  # for probes: None when fine, otherwise what went wrong
    label: str = ""
    limit: float | None = None  # without a baseline: the median at most this, in its unit

    @property
    def ratio(self) -> float | None:
        if self.subject is None or self.baseline is None:
            return None
        if not (self.subject.ok and self.baseline.ok):
            return None
        return self.subject.median / self.baseline.median

    @property
    def passed(self) -> bool:
        if self.subject is None:
            return self.verdict is None
        if self.limit is not None:
            return self.subject.ok and self.subject.median <= self.limit
        if self.target is None:
            return True
        ratio = self.ratio
        if ratio is None:
            return False
        return ratio < self.target if self.strict else ratio <= self.target

    @property
    def outcome(self) -> str:
        if self.subject is None:
            return "ok" if self.verdict is None else self.verdict
        for measure in (self.subject, self.baseline):
            if measure is not None and measure.problem:
                return measure.problem
        if self.target is None and self.limit is None:
            return "yardstick" if self.baseline is None else "(no target)"
        return "ok" if self.passed else "MISSED"


def _number(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} {unit}"


def render_table(checks: Sequence[Check]) -> str:
    header = ("case", "what", "min", "median", "max", "against", "ratio", "target", "result")
    rows: list[tuple[str, ...]] = [header]
    for check in checks:
        subject = check.subject
        if subject is None:
            rows.append((check.case, check.label, "", "", "", "", "", "", check.outcome))
            continue
        if subject.samples:
            low, mid, high = (
                _number(v, subject.unit)
                for v in (min(subject.samples), subject.median, max(subject.samples))
            )
        else:
            low = mid = high = "-"
        ratio = check.ratio
        target = ""
        if check.target is not None:
            target = f"{'<' if check.strict else '<='} {check.target:.2f}x"
        elif check.limit is not None:
            target = f"<= {_number(check.limit, subject.unit)}"
        rows.append(
            (
                check.case,
                subject.label,
                low,
                mid,
                high,
                check.baseline.short if check.baseline else "",
                f"{ratio:.3f}x" if ratio is not None else "-",
                target,
                check.outcome,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- the journals ------------------------------------------------------------------


def schema_key() -> str:
    """The schema version and a fingerprint of the tables a fresh journal gets."""
    from peerjournal import db
    from peerjournal.journal import open_journal

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.db"
        with open_journal(db.locate(str(path))):
            pass
        db.dispose_engines()
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            ).fetchall()
        finally:
            conn.close()
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:10]
    return f"s{db.LATEST_VERSION}-{digest}"


def cached_journal(name: str, count: int, days: int, schema: str, rebuild: bool) -> Path:
    """A built journal from the cache, built first when the schema, size or day changed."""
    end = date.today() - timedelta(days=1)
    stem = f"journal-{count}x{days}"
    path = WORK / "journals" / f"{stem}-{schema}-b{BUILDER_REVISION}-{end.isoformat()}.db"
    if path.exists() and not rebuild:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{stem}-*"):
        old.unlink()
    _progress(f"building the {name} journal ({count:,} entries over {days:,} days)...")
    start = time.perf_counter()
    partial = path.with_suffix(".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    build_journal(partial, count, days, end=end)
    partial.rename(path)
    _progress(f"  built in {time.perf_counter() - start:.1f} s")
    return path


def scratch_copy(source: Path, name: str) -> Path:
    """A copy of a cached journal that this run may change."""
    target = WORK / "run" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob(target.name + "*"):
        old.unlink()
    shutil.copyfile(source, target)
    return target


def newest_id(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT max(id) FROM entry").fetchone()[0])
    finally:
        conn.close()


# --- the cases ---------------------------------------------------------------------


def peerjournal_argv() -> list[str]:
    """The console script beside this interpreter (what users run), else `-m peerjournal`."""
    script = Path(sys.executable).parent / "peerjournal"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "peerjournal"]


def plain_environ() -> dict[str, str]:
    """This environment without the interpreter switches a user would not have set.

    PYTHONDONTWRITEBYTECODE in particular would make every run compile
    peerjournal from source (an installed wheel has its bytecode), and
    PYTHONUNBUFFERED would slow the output.
    """
    kept = ("PYTHONPATH", "PYTHONHOME")
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") or k in kept}


def compile_peerjournal() -> None:
    """Write peerjournal's bytecode now, as installing a wheel does, so no run compiles it."""
    import compileall

    import peerjournal

    with suppress(OSError):
        compileall.compile_dir(Path(peerjournal.__file__).parent, quiet=1)


def base_env() -> dict[str, str]:
    env = {k: v for k, v in plain_environ().items() if not k.startswith("PEERJOURNAL_")}
    env["PEERJOURNAL_HOME"] = str(WORK / "home")
    env["COLUMNS"] = "100"
    return env


def log_note() -> str:
    sample = next(sample_entries(1, 1, end=date.today(), seed=99))
    return sample.jrnl_text().replace("\n", " ")


def log_arguments() -> list[str]:
    return [
        "log",
        "--when",
        "2 hours ago",
        "--mode",
        "phone",
        "--minutes",
        "25",
        "--peer",
        "R.",
        "--note",
        log_note(),
        "--rate",
        "empathy=4",
        "--rate",
        "emotional-safety=5",
        "--feeling",
        "3",
        "--tag",
        "warmline",
        "--no-input",
    ]


# How the table groups its rows; the table lists them in this order.
STARTUP = "1 start-up"
GUIDED = "2 guided log"
EVERYDAY = "3 everyday"
SCRIPTED = "4 scripted log"
SCALING = "5 scaling"
MEMORY = "6 memory"
JRNL = "7 jrnl"


def bare_app(env: dict[str, str]) -> Command:
    """The start-up yardstick: a bare two-command Typer app's --help."""
    return Command("bare Typer --help", [sys.executable, str(BARE_APP), "--help"], env)


def fresh_homes(env: dict[str, str], stem: str) -> Callable[[], None]:
    """A setup giving each run a new, empty home: no draft from an earlier run is offered."""
    counter = iter(range(1_000_000))

    def fresh_home() -> None:
        home = WORK / "run" / f"{stem}-{next(counter)}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        env["PEERJOURNAL_HOME"] = str(home)

    return fresh_home


def completion_cases(journal: Path, runs: int, warmup: int) -> list[Check]:
    """One Tab press in bash, zsh and fish: a whole run of peerjournal each time.

    The tags come from the ten-year journal, read as completion reads them.
    """
    _progress("start-up: shell completion (one Tab press)")
    pj = peerjournal_argv()
    env = base_env()
    lines = {
        "Tab: commands (bash)": ("complete_bash", "peerjournal "),
        "Tab: log --rate empa (zsh)": ("complete_zsh", "peerjournal log --rate empa"),
        "Tab: list --tag, ten-year journal (fish)": (
            "complete_fish",
            f"peerjournal list --db {journal} --tag ",
        ),
    }
    bare = bare_app(env)
    commands = [bare]
    for label, (instruction, line) in lines.items():
        words = line.split(" ")
        tab = {
            "_PEERJOURNAL_COMPLETE": instruction,
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            "_TYPER_COMPLETE_ARGS": line,
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        }
        commands.append(Command(label, pj, {**env, **tab}))
    results = measure(commands, runs, warmup)
    base = results[bare.label]
    base.short = "bare --help"
    return [Check(STARTUP, results[c.label], base, TARGET_STARTUP) for c in commands[1:]]


def startup_cases(runs: int, warmup: int) -> list[Check]:
    _progress("start-up: quick commands and the guided log's first prompt")
    pj = peerjournal_argv()
    env = base_env()
    quick = [["--help"], ["--version"], ["path"], ["principles"], ["principles", "empathy"]]
    bare = bare_app(env)
    commands = [bare] + [Command("peerjournal " + " ".join(a), [*pj, *a], env) for a in quick]
    log_env = dict(env)
    guided = Command(
        "log (to first prompt)",
        [*pj, "log"],
        log_env,
        pty_until=FIRST_PROMPT,
        setup=fresh_homes(log_env, "pty-home"),
    )
    commands.append(guided)
    results = measure(commands, runs, warmup)
    base = results[bare.label]
    base.short = "bare --help"
    checks = [Check(STARTUP, base, None, None)]
    for command in commands[1:]:
        case = GUIDED if command is guided else STARTUP
        checks.append(Check(case, results[command.label], base, TARGET_STARTUP))
    for args in quick:
        checks.append(_no_heavy_imports(STARTUP, args, env, f"peerjournal {' '.join(args)}"))
    checks.append(
        Check(
            GUIDED,
            None,
            None,
            None,
            verdict=_database_before_prompt(env),
            label="log: no database layer before the first prompt",
        )
    )
    return checks


def _no_heavy_imports(case: str, args: list[str], env: dict[str, str], name: str) -> Check:
    """A yes/no row: the command ran without loading SQLModel, SQLAlchemy or pydantic."""
    return Check(
        case,
        None,
        None,
        None,
        verdict=_heavy_imports(args, env),
        label=f"{name}: no sqlmodel/sqlalchemy/pydantic",
    )


def _heavy_imports(args: list[str], env: dict[str, str]) -> str | None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE.format(args=args)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"^HEAVY (\S+) (.*)$", done.stderr, re.MULTILINE)
    if found is None:
        return "probe failed"
    if found.group(1) != "0":
        return f"failed (exit {found.group(1)})"
    return f"imports {found.group(2)}" if found.group(2) else None


def _database_before_prompt(env: dict[str, str]) -> str | None:
    import pexpect

    probe_env = dict(env)
    probe_env["PEERJOURNAL_HOME"] = str(WORK / "run" / "pty-home-probe")
    shutil.rmtree(probe_env["PEERJOURNAL_HOME"], ignore_errors=True)
    # A chosen home must exist: the guided log refuses a missing one before its first prompt.
    Path(probe_env["PEERJOURNAL_HOME"]).mkdir(parents=True)
    child = pexpect.spawn(
        sys.executable,
        ["-c", PROMPT_ORDER_PROBE],
        env=probe_env,
        dimensions=(40, 100),
        encoding="utf-8",
        codec_errors="replace",
    )
    try:
        index = child.expect([FIRST_PROMPT, re.escape(DB_LOADED_MARK)], timeout=30)
    except (pexpect.EOF, pexpect.TIMEOUT):
        child.close(force=True)
        return "no prompt appeared" if child.exitstatus in (0, None) else "missing"
    child.kill(signal.SIGKILL)
    child.close(force=True)
    return None if index == 0 else "database loaded before the prompt"


def database_cases(
    journals: dict[str, Path], runs: int, warmup: int, search_word: str
) -> list[Check]:
    """Everyday commands and `log` on the ten-year and the one-month journal.

    One round-robin holds both yardsticks, every command on both journals and
    the guided log's saving, so a busy moment on the machine slows them alike.
    """
    _progress("everyday commands and log on the ten-year and the one-month journal")
    pj = peerjournal_argv()
    env = base_env()
    bare = bare_app(env)
    imports = Command(f'python -c "{HEAVY_IMPORTS}"', [sys.executable, "-c", HEAVY_IMPORTS], env)
    commands = [bare, imports]
    reads: dict[str, list[Command]] = {}
    logs: dict[str, Command] = {}
    read_envs: dict[str, dict[str, str]] = {}
    for name in (TEN_YEARS[0], ONE_MONTH[0]):
        read_env = dict(env, PEERJOURNAL_DB=str(scratch_copy(journals[name], f"{name}.db")))
        write_env = dict(env, PEERJOURNAL_DB=str(scratch_copy(journals[name], f"{name}-log.db")))
        read_envs[name] = read_env
        entry_id = newest_id(journals[name])
        reads[name] = [
            Command(f"list -n 10 ({name})", [*pj, "list", "-n", "10"], read_env),
            Command(f"show {entry_id} ({name})", [*pj, "show", str(entry_id)], read_env),
            Command(f"search {search_word} ({name})", [*pj, "search", search_word], read_env),
            Command(f"review ({name})", [*pj, "review"], read_env),
        ]
        logs[name] = Command(f"log --no-input ({name})", [*pj, *log_arguments()], write_env)
    # Interleave the two journals command by command, so both see the same moments.
    pairs = list(zip(reads[TEN_YEARS[0]], reads[ONE_MONTH[0]], strict=True))
    pairs.append((logs[TEN_YEARS[0]], logs[ONE_MONTH[0]]))
    for pair in pairs:
        commands.extend(pair)
    guided_env = dict(
        env, PEERJOURNAL_DB=str(scratch_copy(journals[TEN_YEARS[0]], "ten-year-guided.db"))
    )
    guided = Command(
        "log, last answer to Saved (ten-year)",
        [*pj, "log"],
        guided_env,
        setup=fresh_homes(guided_env, "pty-save-home"),
        guided_save=True,
    )
    commands.append(guided)
    results = measure(commands, runs, warmup)

    base = results[bare.label]
    base.short = "bare --help"
    heavy = results[imports.label]
    heavy.short = "imports"
    for _ten, month in pairs:
        results[month.label].short = ONE_MONTH[0]
    checks = [Check(GUIDED, results[guided.label], None, None, limit=TARGET_SAVE)]
    checks.append(Check(EVERYDAY, base, None, None))
    for ten, _month in pairs[:-1]:
        checks.append(Check(EVERYDAY, results[ten.label], base, TARGET_EVERYDAY))
    for ten, _month in pairs[:-1]:
        args = ten.argv[len(pj) :]
        checks.append(_no_heavy_imports(EVERYDAY, args, read_envs[TEN_YEARS[0]], ten.label))
    checks.append(Check(SCRIPTED, heavy, None, None))
    checks.append(Check(SCRIPTED, results[logs[TEN_YEARS[0]].label], heavy, TARGET_SCRIPTED_LOG))
    for ten, month in pairs:
        checks.append(Check(SCALING, results[ten.label], results[month.label], TARGET_SCALING))
    return checks


def memory_cases(journals: dict[str, Path], runs: int) -> list[Check]:
    _progress("peak memory: review and export on both journals")
    pj = peerjournal_argv()
    checks = []
    for args in (["review"], ["export", "--format", "csv"]):
        measures = {}
        for name in (TEN_YEARS[0], ONE_MONTH[0]):
            env = dict(base_env(), PEERJOURNAL_DB=str(WORK / "run" / f"{name}.db"))
            label = f"{' '.join(args)} peak RSS ({name})"
            measures[name] = measure_memory(label, [*pj, *args], env, runs)
        measures[ONE_MONTH[0]].short = ONE_MONTH[0]
        checks.append(Check(MEMORY, measures[ONE_MONTH[0]], None, None))
        checks.append(Check(MEMORY, measures[TEN_YEARS[0]], measures[ONE_MONTH[0]], TARGET_MEMORY))
    return checks


# --- jrnl ----------------------------------------------------------------------------


def jrnl_executable() -> Path:
    """jrnl in the benchmark's own virtual environment, installed there on first use."""
    venv = WORK / "jrnl-venv"
    jrnl = venv / "bin" / "jrnl"
    if jrnl.exists():
        return jrnl
    _progress("installing jrnl into benchmarks/.work/jrnl-venv (once)...")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "jrnl"], check=True)
    return jrnl


def jrnl_setup(jrnl: Path, count: int, rebuild: bool) -> tuple[Path, dict[str, str]]:
    """A scratch jrnl journal of `count` entries, and the environment that points jrnl at it."""
    end = date.today() - timedelta(days=1)
    cached = WORK / "journals" / f"jrnl-{count}x{JRNL_DAYS}-b{BUILDER_REVISION}-{end}.txt"
    if rebuild or not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        for old in cached.parent.glob(f"jrnl-{count}x{JRNL_DAYS}-*"):
            old.unlink()
        write_jrnl_journal(cached, count, JRNL_DAYS, end=end)
    place = WORK / "run" / f"jrnl-{count}"
    shutil.rmtree(place, ignore_errors=True)
    (place / "config" / "jrnl").mkdir(parents=True)
    (place / "home").mkdir()
    journal = place / "journal.txt"
    shutil.copyfile(cached, journal)
    version = subprocess.run(
        [str(jrnl.parent / "python"), "-c", "from jrnl import __version__; print(__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (place / "config" / "jrnl" / "jrnl.yaml").write_text(
        f"version: {version}\n"
        "journals:\n"
        f"  default:\n    journal: {journal}\n"
        "editor: ''\n"
        "encrypt: false\n"
        "template: false\n"
        "default_hour: 9\n"
        "default_minute: 0\n"
        "timeformat: '%Y-%m-%d %H:%M'\n"
        "tagsymbols: '#@'\n"
        "highlight: true\n"
        "linewrap: 79\n"
        "indent_character: '|'\n"
        "colors:\n  body: none\n  date: none\n  tags: none\n  title: none\n",
        encoding="utf-8",
    )
    env = {
        k: v
        for k, v in plain_environ().items()
        if not k.startswith(("XDG_", "JRNL", "PEERJOURNAL_"))
    }
    env.update(
        HOME=str(place / "home"),
        XDG_CONFIG_HOME=str(place / "config"),
        XDG_DATA_HOME=str(place / "data"),
        XDG_CACHE_HOME=str(place / "cache"),
        EDITOR="",
        VISUAL="",
    )
    return journal, env


def jrnl_cases(schema: str, runs: int, warmup: int, rebuild: bool) -> list[Check]:
    _progress("against jrnl: adding one entry and listing the last 10")
    try:
        jrnl = jrnl_executable()
    except (OSError, subprocess.CalledProcessError) as exc:
        return [
            Check(
                JRNL,
                None,
                None,
                None,
                verdict=f"jrnl could not be installed ({exc}); run with --no-jrnl",
                label="jrnl",
            )
        ]
    pj = peerjournal_argv()
    note = log_note()
    checks = []
    for count in JRNL_SIZES:
        _journal, jenv = jrnl_setup(jrnl, count, rebuild)
        cached = cached_journal(f"{count:,}-entry", count, JRNL_DAYS, schema, rebuild)
        penv = dict(base_env(), PEERJOURNAL_DB=str(scratch_copy(cached, f"pj-{count}.db")))
        size = f"{count:,}"
        commands = [
            Command(f"jrnl add ({size})", [str(jrnl), note], jenv),
            Command(
                f"peerjournal log ({size})",
                [*pj, "log", "--mode", "phone", "--note", note, "--no-input"],
                penv,
            ),
            Command(f"jrnl -n 10 ({size})", [str(jrnl), "-n", "10"], jenv),
            Command(f"peerjournal list -n 10 ({size})", [*pj, "list", "-n", "10"], penv),
        ]
        results = measure(commands, runs, warmup)
        # Listing is the target at every size; adding is shown for comparison only.
        for theirs, ours, target in (
            (commands[0], commands[1], None),
            (commands[2], commands[3], TARGET_JRNL),
        ):
            results[theirs.label].short = "jrnl"
            checks.append(Check(JRNL, results[theirs.label], None, None))
            checks.append(
                Check(JRNL, results[ours.label], results[theirs.label], target, strict=True)
            )
    return checks


# --- the run -------------------------------------------------------------------------


def machine_summary() -> str:
    model = "unknown CPU"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    from peerjournal import __version__

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}\n"
        f"peerjournal {__version__} at {commit or 'unknown commit'}; "
        f"load average at start: {load}"
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Time peerjournal against its speed targets; exit 1 when one is missed.",
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs (default 1)")
    parser.add_argument("--no-jrnl", action="store_true", help="skip the comparison with jrnl")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached journals")
    parser.add_argument(
        "--search-word", default=SEARCH_WORD, help=f"word to search for (default {SEARCH_WORD})"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    if (
        importlib.util.find_spec("peerjournal") is None
        or importlib.util.find_spec("pexpect") is None
    ):
        print(
            "Run the benchmark with the project's environment, where peerjournal and its "
            "test tools are installed: .venv/bin/python benchmarks/run.py",
            file=sys.stderr,
        )
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    for leftover in (WORK / "run").glob("*"):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
    summary = machine_summary()
    _progress(summary)
    if os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
        _progress("The machine is busy: figures will be noisy. A quiet moment gives truer ratios.")
    compile_peerjournal()
    schema = schema_key()
    journals = {
        name: cached_journal(name, count, days, schema, args.rebuild)
        for name, count, days in (TEN_YEARS, ONE_MONTH)
    }
    runs = max(1, args.runs)
    checks = startup_cases(runs, args.warmup)
    checks += completion_cases(journals[TEN_YEARS[0]], runs, args.warmup)
    checks += database_cases(journals, runs, args.warmup, args.search_word)
    checks += memory_cases(journals, min(runs, 3))
    if not args.no_jrnl:
        checks += jrnl_cases(schema, runs, args.warmup, args.rebuild)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print()
    print(summary)
    print(f"{runs} timed runs after {args.warmup} warm-up; medians compared; load at end: {load}")
    print()
    # By group, timings before yes/no probes; otherwise in the order they were made.
    checks.sort(key=lambda check: (check.case, check.subject is None))
    print(render_table(checks))
    missed = [c for c in checks if not c.passed]
    print()
    if missed:
        print(f"{len(missed)} target(s) missed:")
        for check in missed:
            name = check.subject.label if check.subject else check.label
            print(f"  - {check.case}: {name}: {check.outcome}")
        return 1
    print("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
