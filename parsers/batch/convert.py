"""``convert``: files, folders and archives to one output per source, in parallel, resumably.

Each source (see ``archive``) becomes ``DIR/<name><suffix>``; beside the outputs,
``diagnostics.jsonl`` holds every unparsed line and every failed or skipped source, and
``summary.json`` the totals, both in source order.  A source is parsed into temporary files in
``DIR/.netstat-normalizer/tmp``; then its earlier output is removed, and its state (counts, and
diagnostics, in ``DIR/.netstat-normalizer/state``) and its output are renamed into place, in that
order, so an output that exists is complete and has its state.  A rerun skips such outputs (unless
the options changed, or ``force``) and reuses their state: an interrupted run (Ctrl-C, SIGTERM,
SIGKILL), rerun, ends with the same tree as an uninterrupted one.

Everything below ``DIR`` is reached through ``io.confined``: no symbolic link there is followed,
and a link where the tool's own folders belong stops the run (``ConvertError``).
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import multiprocessing
import os
import re
import secrets
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.pool import Pool
from typing import IO, TYPE_CHECKING, Any, TextIO

from ..engine.captures import host_from_path
from ..engine.pipeline import iter_parse_stream
from ..errors import NetstatNormalizerError
from ..io.archive import (
    MAX_SOURCE_BYTES,
    Archive,
    Guarded,
    Problem,
    Source,
    SourceError,
    read_errors,
    reason_of,
    walk,
)
from ..io.confined import Confined, LinkError
from ..io.decode import check_encoding, without_surrogates
from ..io.reader import ByteStream
from ..model.record import Diagnostic, Record
from ..options import ParseOptions
from ..sinks.json import RecordWriter
from .stopping import die_with_parent, stop_signal, terminate_as_interrupt

if TYPE_CHECKING:
    import pyarrow as pa

STATE_DIR = ".netstat-normalizer"
"""The folder in the output folder holding each output's state, and temporary files."""
TMP = f"{STATE_DIR}/tmp"
STATE = f"{STATE_DIR}/state"
LOCK = f"{STATE_DIR}/lock"

SUFFIXES = {"json": ".json", "jsonl": ".jsonl", "parquet": ".parquet"}

RESERVED = ("diagnostics.jsonl", "summary.json")
"""The files ``convert`` writes beside the outputs."""

PROGRESS_INTERVAL = 0.1
"""The least time between two progress lines, in seconds."""


class ConvertError(NetstatNormalizerError):
    """A run that cannot start or finish: an unusable output folder (a file, read-only, a
    symbolic link where the tool's folders belong), parquet not installed, a bad encoding."""


@dataclass(frozen=True)
class Settings:
    """What ``convert`` is asked: where to write, in which format, and how to parse."""

    out: str
    format: str = "jsonl"
    parse: ParseOptions = field(default_factory=ParseOptions)
    force: bool = False
    limit: int = MAX_SOURCE_BYTES
    """The most bytes a compressed source may decompress to."""

    def options(self) -> dict[str, Any]:
        """What an output depends on besides its source: kept in its state."""
        o = self.parse
        marker = o.marker.pattern if isinstance(o.marker, re.Pattern) else o.marker
        return {
            "dialect": o.dialect,
            "command": o.command,
            "encoding": o.encoding,
            "marker": marker,
            "host_from_path": o.host_from_path,
            "meta": o.meta_dict(),
        }


@dataclass(frozen=True)
class Done:
    """A source converted now (``parsed``) or before, with its counts."""

    path: str
    member: str | None
    state: dict[str, Any]
    parsed: bool


Outcome = Done | Problem


@dataclass
class Report:
    """What a run did, in source order."""

    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: int = 0
    """The signal that stopped the run (SIGINT, SIGTERM), else 0."""

    @property
    def problems(self) -> list[Problem]:
        return [o for o in self.outcomes if isinstance(o, Problem)]

    @property
    def unparsed(self) -> int:
        return sum(o.state["lines"]["unparsed"] for o in self.outcomes if isinstance(o, Done))

    @property
    def exit_status(self) -> int:
        """128 + the signal when interrupted (130 for Ctrl-C), 1 when a source failed or was
        skipped or a line was not parsed."""
        if self.interrupted:
            return 128 + self.interrupted
        return 1 if self.problems or self.unparsed else 0


def parquet_writer() -> Callable[[Iterable[Record], str], int]:
    """``columnar.write_parquet``; ConvertError when pyarrow is not installed."""
    try:
        from ..sinks.columnar import write_parquet
    except ImportError as err:
        raise ConvertError(
            f"--format parquet needs pyarrow ({err}): pip install 'netstat-normalizer[parquet]'"
        ) from None
    return write_parquet


def convert(
    paths: Sequence[str],
    settings: Settings,
    jobs: int = 1,
    progress: TextIO | None = None,
) -> Report:
    """Convert every source in ``paths`` into ``settings.out``; each failure or skip is reported
    on stderr as it comes, and progress on ``progress`` (a terminal) if given.  On
    KeyboardInterrupt or SIGTERM, temporary files are removed and the report says
    ``interrupted``.  ConvertError when the output folder cannot be used."""
    if settings.format == "parquet":
        parquet_writer()
    if settings.parse.encoding is not None:
        check_encoding(settings.parse.encoding)
    try:
        os.makedirs(settings.out, exist_ok=True)
    except OSError as err:
        raise ConvertError(f"cannot use {settings.out} as the output folder: {_why(err)}") from None
    plan = _plan(paths, settings)
    report = Report()
    jobs = min(jobs, sum(not isinstance(p, Problem) for p in plan))
    shown = _Progress(progress, len(plan))
    with _no_pandas(settings), terminate_as_interrupt(), _workspace(settings.out) as root:
        try:
            with _workers(jobs) as pool:
                for outcome in _run(plan, settings, pool, shown):
                    report.outcomes.append(outcome)
                    if isinstance(outcome, Problem):
                        shown.clear()
                        _warn(f"{_where(outcome)}: {outcome.reason}")
        except KeyboardInterrupt as err:
            shown.clear()
            report.interrupted = stop_signal(err)
            return report
        _finish(root, report)
    return report


def _no_pandas(settings: Settings) -> contextlib.AbstractContextManager[None]:
    """For Parquet, pandas kept out of the process (``columnar.without_pandas``)."""
    if settings.format != "parquet":
        return contextlib.nullcontext()
    from ..sinks.columnar import without_pandas

    return without_pandas()


# -- planning -----------------------------------------------------------------------------------
def _plan(paths: Sequence[str], settings: Settings) -> list[Source | Archive | Problem]:
    """The sources in order, each with an output name no other source has."""
    names = _Names(SUFFIXES[settings.format])
    plan: list[Source | Archive | Problem] = []
    for item in walk(paths, skip=settings.out):
        taken = None if isinstance(item, Problem) else names.claim(item)
        if taken is not None:
            member = item.member if isinstance(item, Source) else None
            item = Problem(item.path, member, taken, failed=False)
        plan.append(item)
    return plan


class _Names:
    """Output names claimed so far: a file's, or an archive's folder, which is its own."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.archives: set[str] = set()

    def claim(self, item: Source | Archive) -> str | None:
        """Claim ``item``'s output name; why it cannot be, if so."""
        name = item.name if isinstance(item, Archive) else item.name + self.suffix
        parents = ["/".join(name.split("/")[:i]) for i in range(1, name.count("/") + 1)]
        if name in RESERVED or name.split("/")[0] == STATE_DIR:
            return f"output name {name!r} is reserved"
        if {name} & (self.files | self.folders) or set(parents) & (self.files | self.archives):
            return f"output name {name!r} is taken by an earlier source"
        (self.archives if isinstance(item, Archive) else self.files).add(name)
        self.folders.update(parents)
        return None


# -- running ------------------------------------------------------------------------------------
@contextlib.contextmanager
def _workers(jobs: int) -> Iterator[Pool | None]:
    """A pool of ``jobs`` worker processes (None for one), terminated on leaving.  Forked, they
    share the output folder's lock, so no rerun starts while one of them may still write."""
    if jobs <= 1:
        yield None
        return
    linux = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if linux else None)
    pool = context.Pool(jobs, _init_worker, (os.getpid() if linux else None,))
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def _init_worker(parent: int | None) -> None:
    """A worker leaves Ctrl-C to the main process and, on Linux, dies with it."""
    die_with_parent(parent)


def _run(
    plan: list[Source | Archive | Problem],
    settings: Settings,
    pool: Pool | None,
    progress: _Progress,
) -> Iterator[Outcome]:
    jobs = [(item, settings) for item in plan if not isinstance(item, Problem)]
    results = pool.imap(_job, jobs) if pool is not None else map(_job, jobs)
    for item in plan:
        outcomes = [item] if isinstance(item, Problem) else next(results)
        yield from outcomes
        progress.update(outcomes)
    progress.clear()


def _job(job: tuple[Source | Archive, Settings]) -> list[Outcome]:
    item, settings = job
    if isinstance(item, Source):
        return [_convert_source(item, item.open(settings.limit), settings)]
    names = _Names(SUFFIXES[settings.format])  # members' outputs must not clash either
    outcomes: list[Outcome] = []
    for entry in item.members(settings.limit):
        taken = None if isinstance(entry, Problem) else names.claim(entry[0])
        if isinstance(entry, Problem):
            outcomes.append(entry)
        elif taken is not None:
            outcomes.append(Problem(item.path, entry[0].member, taken, failed=False))
        else:
            outcomes.append(_convert_source(entry[0], entry[1], settings))
    return outcomes


def _convert_source(
    source: Source, opened: contextlib.AbstractContextManager[ByteStream], settings: Settings
) -> Outcome:
    """Convert one source, unless its output is complete and current; ``opened`` gives its
    bytes (a stream is a context manager too).  A failure to read the source, or to write its
    output (a full disk, a name too long, a symbolic link in the way), fails the source alone."""
    paths = _Paths(source.name + SUFFIXES[settings.format])
    try:
        root = Confined(settings.out)
    except OSError as err:  # the output folder gone
        reason = f"cannot write {paths.name}: {_why(err)}"
        return Problem(source.path, source.member, reason, failed=True)
    with root, contextlib.ExitStack() as stack:
        try:
            state = None if settings.force else paths.state_if_current(root, settings.options())
            if state is not None:
                return Done(source.path, source.member, state, parsed=False)
            try:
                stream = stack.enter_context(opened)
            except read_errors() as err:
                raise SourceError(source.where, reason_of(err)) from None
            guarded = io.BufferedReader(Guarded(stream, source.where))
            state = _parse(source, guarded, settings, paths, root)
        except NetstatNormalizerError as err:  # reading: SourceError, DetectionError
            paths.remove(root)
            return Problem(source.path, source.member, reason_of(err), failed=True)
        except OSError as err:  # writing
            paths.remove(root)
            reason = f"cannot write {paths.name}: {_why(err)}"
            return Problem(source.path, source.member, reason, failed=True)
    return Done(source.path, source.member, state, parsed=True)


def _parse(
    source: Source, stream: IO[bytes], settings: Settings, paths: _Paths, root: Confined
) -> dict[str, Any]:
    """Parse ``stream`` into the output and state files of ``paths``; the state."""
    counts: dict[str, int] = {}
    stats = _Stats()
    text = without_surrogates if settings.format == "parquet" else _same  # Parquet wants UTF-8
    host = host_from_path(settings.parse.host_from_path, source.path, source.member)
    options = replace(
        settings.parse, meta=tuple((text(k), text(v)) for k, v in settings.parse.meta)
    )
    where = {
        "path": text(source.path),
        "member": None if source.member is None else text(source.member),
        "host": None if host is None else text(host),
    }
    with paths.temporary(root) as (output, diagnostics, state_file):
        with os.fdopen(root.open(diagnostics, os.O_WRONLY), "wb") as diag:
            if settings.format == "parquet":
                encoding = _write_parquet(
                    stream, options, where, counts, stats, diag, root, output, source.where
                )
            else:
                encoding, items = iter_parse_stream(stream, options, **where, accounting=counts)
                _write_output(stats.records(items, diag), root, output, settings.format)
        state = {
            "path": source.path,
            "member": source.member,
            "output": paths.name,
            "options": settings.options(),
            "encoding": encoding,
            **stats.totals(counts),
        }
        _write_json(root, state_file, state)
        paths.commit(root, output, diagnostics, state_file)
    return state


def _same(text: str) -> str:
    return text


def _write_parquet(
    stream: IO[bytes],
    options: ParseOptions,
    where: dict[str, str | None],
    counts: dict[str, int],
    stats: _Stats,
    diag: IO[bytes],
    root: Confined,
    path: str,
    named: str,
) -> str:
    """Parse ``stream`` to a Parquet file through the columnar route (``bulk``); the encoding.
    pyarrow opens by name: the temporary file made in the checked TMP.  ``named``: the source,
    as a failure names it."""
    parquet_writer()
    from pyarrow import ArrowInvalid

    from ..sinks.columnar import ParquetSink
    from .bulk import parse_stream

    sink = ParquetSink(os.path.join(root.root, *path.split("/")))

    def emit(batch: pa.RecordBatch) -> None:
        stats.batch(batch)
        sink.add_batch(batch)

    with _collector_paused():
        try:
            try:
                encoding, items = parse_stream(stream, options, emit, **where, accounting=counts)
                for record in stats.records(items, diag):
                    sink.add(record)
            finally:
                sink.close()
        except (OverflowError, ArrowInvalid) as err:  # a pid or an inode past 2**63
            reason = f"a value too large for its Parquet column ({err}); --format jsonl keeps it"
            raise SourceError(named, reason) from None
    return encoding


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (restored after, even on an error): the route makes
    no cycles (rows, records, arrays), and the thousands of rows it holds would otherwise have
    the collector walk them again and again (a quarter of the route's time on varied rows)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _write_output(records: Iterator[Record], root: Confined, path: str, fmt: str) -> None:
    with os.fdopen(
        root.open(path, os.O_WRONLY),
        "w",
        encoding="utf-8",
        errors="backslashreplace",
        newline="\n",
    ) as out:
        writer = RecordWriter(out, fmt)
        for record in records:
            writer.write(record)
        writer.close()


class _Stats:
    """A source's counts, gathered as its records and diagnostics go by."""

    def __init__(self) -> None:
        self.count = 0
        self.captures: set[int] = set()
        self.dialects: Counter[str] = Counter()
        self.states: Counter[str] = Counter()
        self.diagnostics = 0

    def records(self, items: Iterable[Record | Diagnostic], diag: IO[bytes]) -> Iterator[Record]:
        """The records of ``items``, counted; their diagnostics written to ``diag``."""
        for item in items:
            if isinstance(item, Diagnostic):
                self.diagnostics += 1
                diag.write(_json_line(item.to_dict()))
                continue
            self.count += 1
            self.captures.add(item.capture)
            self.dialects[item.dialect] += 1
            if item.state is not None:
                self.states[item.state] += 1
            yield item

    def batch(self, batch: pa.RecordBatch) -> None:
        """Count the records of a batch of the columnar route."""
        from ..sinks.kernels import pc

        self.count += batch.num_rows
        self.captures.update(pc.unique(batch.column("capture")).to_pylist())
        for name, counts in (("dialect", self.dialects), ("state", self.states)):
            for found in pc.value_counts(batch.column(name).drop_null()).to_pylist():
                counts[found["values"]] += found["counts"]

    def totals(self, lines: dict[str, int]) -> dict[str, Any]:
        return {
            "captures": len(self.captures),
            "records": self.count,
            "diagnostics": self.diagnostics,
            "lines": {key: lines.get(key, 0) for key in ("record", "other", "unparsed")},
            "dialects": dict(sorted(self.dialects.items())),
            "states": dict(sorted(self.states.items())),
        }


class _Paths:
    """Where one output and its state go, relative to the output folder, and their temporary
    files."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.output = name
        self.state = f"{STATE}/{name}.json"
        self.diagnostics = f"{STATE}/{name}.diagnostics.jsonl"

    def state_if_current(self, root: Confined, options: dict[str, Any]) -> dict[str, Any] | None:
        """The state of a complete output made with ``options``, else None."""
        if not (root.is_file(self.output) and root.is_file(self.diagnostics)):
            return None
        try:
            with os.fdopen(root.open(self.state, os.O_RDONLY), encoding="utf-8") as file:
                state: dict[str, Any] = json.load(file)
        except (OSError, ValueError):
            return None
        return state if state.get("options") == options else None

    @contextlib.contextmanager
    def temporary(self, root: Confined) -> Iterator[tuple[str, str, str]]:
        """Three new temporary files (output, diagnostics, state), removed unless committed."""
        names: list[str] = []
        try:
            for suffix in (".output", ".diagnostics", ".state"):
                name = f"{TMP}/{secrets.token_hex(8)}{suffix}"
                os.close(root.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                names.append(name)
            yield names[0], names[1], names[2]
        finally:
            for name in names:
                with contextlib.suppress(OSError):
                    root.remove(name)

    def commit(self, root: Confined, output: str, diagnostics: str, state: str) -> None:
        """Remove the earlier output, then rename the temporary files into place: the state
        first, the output last (an output never stands beside another run's state)."""
        root.remove(self.output)
        for temporary, final in ((diagnostics, self.diagnostics), (state, self.state)):
            root.replace(temporary, final)
        root.replace(output, self.output)

    def remove(self, root: Confined) -> None:
        """Remove an earlier output and its state (the source now fails), as far as possible."""
        for final in (self.output, self.state, self.diagnostics):
            with contextlib.suppress(OSError, ValueError):
                root.remove(final)


@contextlib.contextmanager
def _workspace(out: str) -> Iterator[Confined]:
    """The output folder, with its lock held and an empty temporary folder, removed at the end.
    ConvertError when it cannot be used: a symbolic link or a file where the tool's own folders
    belong, no right to write."""
    try:
        root = Confined(out)
    except OSError as err:
        raise ConvertError(f"cannot use {out} as the output folder: {_why(err)}") from None
    with root:
        try:
            with root.folder(STATE, create=True):
                pass
            lock = root.open(LOCK, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except LinkError as err:
            raise ConvertError(f"{os.path.join(out, err.path)} {err.what}: not used") from None
        except OSError as err:
            raise ConvertError(f"cannot use {out} as the output folder: {_why(err)}") from None
        with os.fdopen(lock, "a") as file:
            _lock(file, out)
            try:
                with root.folder(TMP):  # a link or a file there is refused, not removed
                    pass
                root.clear(TMP)  # left by a killed run
            except FileNotFoundError:
                pass
            except LinkError as err:
                raise ConvertError(f"{os.path.join(out, err.path)} {err.what}: not used") from None
            try:
                with root.folder(TMP, create=True):
                    pass
            except OSError as err:
                raise ConvertError(f"cannot use {out} as the output folder: {_why(err)}") from None
            try:
                yield root
            finally:
                with contextlib.suppress(OSError):
                    root.clear(TMP)


def _lock(file: IO[str], out: str) -> None:
    """Wait for the lock of the output folder (a run into it, or its workers, may hold it)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        return
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _warn(f"waiting for another run writing to {out}")
        fcntl.flock(file, fcntl.LOCK_EX)


def _why(err: OSError) -> str:
    """An OSError's reason, as a diagnostic says it."""
    return str(err.strerror or err)


# -- reporting ----------------------------------------------------------------------------------
def _finish(root: Confined, report: Report) -> None:
    """Write ``diagnostics.jsonl`` and ``summary.json`` (each atomically) from the outcomes;
    ConvertError when they cannot be written (a full disk)."""
    try:
        with _Paths("").temporary(root) as (diagnostics, summary, _):
            with os.fdopen(root.open(diagnostics, os.O_WRONLY), "wb") as diag:
                for outcome in report.outcomes:
                    if isinstance(outcome, Done):
                        own = _Paths(outcome.state["output"]).diagnostics
                        with os.fdopen(root.open(own, os.O_RDONLY), "rb") as lines:
                            shutil.copyfileobj(lines, diag)
                    else:
                        entry = {"path": outcome.path, "member": outcome.member, "line": None}
                        entry |= {"text": None, "reason": outcome.reason}
                        diag.write(_json_line(entry))
            root.replace(diagnostics, "diagnostics.jsonl")
            _write_json(root, summary, _summary(report.outcomes), indent=2)
            root.replace(summary, "summary.json")
    except OSError as err:
        raise ConvertError(f"cannot write the summary in {root.root}: {_why(err)}") from None


def _summary(outcomes: list[Outcome]) -> dict[str, Any]:
    done = [o.state for o in outcomes if isinstance(o, Done)]
    problems = [o for o in outcomes if isinstance(o, Problem)]

    def total(key: str) -> Counter[str]:
        counts: Counter[str] = Counter()
        for state in done:
            counts.update(state[key])
        return counts

    lines = total("lines")
    return {
        "files": len(done),
        "captures": sum(s["captures"] for s in done),
        "records": sum(s["records"] for s in done),
        "diagnostics": sum(s["diagnostics"] for s in done),
        "lines": {key: lines[key] for key in ("record", "other", "unparsed")},
        "dialects": dict(sorted(total("dialects").items())),
        "states": dict(sorted(total("states").items())),
        "failed": [_entry(p) for p in problems if p.failed],
        "skipped": [_entry(p) for p in problems if not p.failed],
    }


def _entry(problem: Problem) -> dict[str, Any]:
    entry = asdict(problem)
    del entry["failed"]
    return entry


def _json_line(value: Any) -> bytes:
    """A JSON line in UTF-8; undecodable input bytes (lone surrogates) as ``\\udcXX`` escapes."""
    text = json.dumps(value, ensure_ascii=False) + "\n"
    return text.encode("utf-8", "backslashreplace")


def _write_json(root: Confined, path: str, value: Any, indent: int | None = None) -> None:
    file_ = root.open(path, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(file_, "w", encoding="utf-8", errors="backslashreplace") as file:
        json.dump(value, file, ensure_ascii=False, indent=indent)
        file.write("\n")


def _warn(message: str) -> None:
    print(f"netstat-normalizer: {message}", file=sys.stderr)


def _where(problem: Problem) -> str:
    return problem.path if problem.member is None else f"{problem.path}[{problem.member}]"


class _Progress:
    """``done/total files, records/s, files/s`` on a terminal, at most every PROGRESS_INTERVAL."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self.stream = stream
        self.total = total
        self.files = self.records = 0
        self.start = self.shown = time.monotonic()

    def update(self, outcomes: Sequence[Outcome]) -> None:
        done = [o for o in outcomes if isinstance(o, Done)]
        self.files += max(len(outcomes), 1)
        self.total += max(len(outcomes) - 1, 0)
        self.records += sum(o.state["records"] for o in done if o.parsed)
        now = time.monotonic()
        if self.stream is None or now - self.shown < PROGRESS_INTERVAL:
            return
        self.shown = now
        rate = max(now - self.start, 1e-9)
        self.stream.write(
            f"\r{self.files}/{self.total} files, {self.records / rate:.0f} records/s, "
            f"{self.files / rate:.1f} files/s\x1b[K"
        )
        self.stream.flush()

    def clear(self) -> None:
        """Erase the progress line."""
        if self.stream is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
