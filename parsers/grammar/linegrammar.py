"""A dialect's Lark grammar of single lines, with a regex fast path compiled from it.

A grammar has one start rule per *section* (a kind of table: ``inet``, ``unix``, ``route``...),
each listing the line kinds that may appear there (``inet: inet_row | any_table``).  A line kind is
a flat sequence of terminals, optionally with ``[...]`` and ``(a | b)``.  Parsing a line in a
section yields ``(kind, values)``: the kind's rule name and the text of its kept terminals, ``None``
where an optional part is absent (Lark's ``maybe_placeholders``).

The fast path (``fastpath``: one regex per section and first character, derived from the grammar)
is kept as data in the user's cache folder, named by a digest of everything it is derived from,
and its regexes are compiled when first used; a line the fast path does not match goes to the
LALR parser (``exact``), which either parses it or says why not.  So a run whose lines all take
the fast path neither imports Lark nor builds a parser.  A cached plan that cannot be read, or
does not hold together, is built again and rewritten.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Callable
from contextlib import suppress
from functools import cache, cached_property
from importlib.util import find_spec
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

import orjson

from ..resources import file_names, read_bytes
from . import regexes

if TYPE_CHECKING:
    from lark import Lark

    from .fastpath import Plan

Parsed = tuple[str, list[str | None]]
"""A parsed line: the line kind and its values."""

_Expansion = tuple[str, Callable[[re.Match[str]], tuple[str | None, ...]]]
"""An expansion's kind, and what fetches its values from a match (None for placeholders)."""
_Section = tuple[re.Pattern[str], dict[int, _Expansion]]
"""A section's fast path: its regex, and its expansions by the group that ends them."""

PLAN_FORMAT = 6
"""The layout of a cached plan; part of its file's name."""


class LineError(ValueError):
    """A line the grammar does not accept; the message says where and why."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


class _Stale(Exception):
    """A cached plan that does not hold together."""


class LineGrammar:
    """One dialect's line grammar: ``match`` is the fast path, ``parse_exact`` the reference."""

    def __init__(self, name: str, sections: tuple[str, ...], *, strict: bool = False) -> None:
        """``strict``: Lark's check that no two terminals collide (needs ``interegular``), made on
        a fresh build, never on a cached one (the plan too is then built afresh)."""
        self.name = name
        self.sections = sections
        self.strict = strict
        self._where = None if strict else plan_file(name, sections)
        found = None if self._where is None else _read_plan(self._where, sections)
        if found is not None:
            _used(cast(str, self._where), _regexes_file(cast(str, self._where)))
        self._plan: dict[str, Any] = self._build() if found is None else found
        self.blanks = self._plan["blanks"]
        self._regexes: dict[int, _Section] = {}
        self._by_first: dict[str, dict[str, _Section]] = {section: {} for section in sections}
        """Each section's fast path for lines beginning (after blanks) with an ASCII character."""
        self._alones: dict[str, re.Pattern[str] | None] = {}

    @cached_property
    def lark(self) -> Lark:
        """The LALR parser (loaded when first needed, from Lark's own cache when it can be)."""
        from .exact import open_lark

        cached = False if self.strict else cache_file(self.name, self.sections)
        lark = open_lark(self.name, self.sections, cached, self.strict)
        if cached:
            _used(cast(str, cached))
        return lark

    def _build(self) -> dict[str, Any]:
        """The plan worked out from the grammar, and kept (unless strict)."""
        from .fastpath import plan

        built = plan(self.lark, self.name, self.sections)
        if self._where is not None:
            _write_plan(self._where, built)
            _prune(os.path.dirname(self._where))
        return dict(built)

    def _listed(self) -> list[Any]:
        """The plan's regexes, read when first needed: detection reads many plans for their
        titles, and the regexes of few."""
        if "regexes" not in self._plan:
            found = None if self._where is None else _read_json(_regexes_file(self._where))
            if not isinstance(found, list):
                raise _Stale
            self._plan["regexes"] = found
        return cast(list[Any], self._plan["regexes"])

    def whole(self, section: str) -> _Section:
        """The section's fast path for any line (compiled on first use)."""
        return self._regex(self._plan["sections"][section]["whole"])

    def _regex(self, number: int) -> _Section:
        """The plan's regex ``number``, compiled (once); a cached plan whose regex does not
        compile or does not name its groups is built again."""
        if number not in self._regexes:
            try:
                if type(number) is not int or not 0 <= number < len(self._listed()):
                    raise _Stale
                self._regexes[number] = _compiled(self._listed()[number])
            except _Stale:
                self._plan = self._build()
                self._regexes.clear()
                self._alones.clear()
                self._by_first = {section: {} for section in self.sections}
                self._regexes[number] = _compiled(self._plan["regexes"][number])
        return self._regexes[number]

    def match(self, line: str, section: str) -> Parsed | None:
        """The fast path: ``(kind, values)``, or None when the line needs the LALR parser."""
        try:
            regex, expansions = self._by_first[section][line.lstrip(self.blanks)[:1]]
        except KeyError:
            regex, expansions = self._for_first(line.lstrip(self.blanks)[:1], section)
        m = regex.match(line)
        if m is None:
            return None
        kind, fetch = expansions[m.lastindex]  # type: ignore[index]
        return kind, list(fetch(m))

    def may_be(self, line: str, kinds: frozenset[str]) -> bool:
        """False when the line is certainly none of ``kinds`` in any section: it is no match of
        their patterns (see ``patterns``; a kind that has none makes this True), tried only
        for the kinds that may begin with the line's first character."""
        first = line.lstrip(self.blanks)[:1]
        starts = self._plan["starts"]
        narrow = first.isascii() and first
        for kind in kinds:
            if not narrow or kind not in starts or first in starts[kind]:
                alone = self._alone(kind)
                if alone is None or alone.match(line) is not None:
                    return True
        return False

    def _alone(self, kind: str) -> re.Pattern[str] | None:
        """The regex of a line that is one of ``kind``'s patterns (None: it has none)."""
        if kind not in self._alones:
            found = self._plan["alone"].get(kind)
            try:
                compiled = None if found is None else regexes.compile(found["regex"], found["code"])
            except (re.error, KeyError, TypeError, ValueError):  # damaged: ``match`` rebuilds it
                compiled = None
            self._alones[kind] = compiled
        return self._alones[kind]

    def _for_first(self, first: str, section: str) -> _Section:
        """The fast path for lines beginning with ``first``: narrowed to the line kinds whose
        first terminal may begin with it when the plan says so (ASCII characters, kept, so at
        most 128 per section), else the whole section's."""
        planned = self._plan["sections"][section]
        found = self._regex(planned["firsts"].get(first, planned["whole"]))
        if first.isascii() and first:
            self._by_first[section][first] = found
        return found

    def kinds(self, section: str) -> list[str]:
        """The line kinds a section's start rule lists, in order."""
        return list(self._plan["kinds"][section])

    def patterns(self, kind: str) -> list[str]:
        """The regexes of a line kind whose expansions are each one terminal (a title, a
        header), else none."""
        return list(self._plan["patterns"][kind])

    def parse_exact(self, line: str, section: str) -> Parsed:
        """Parse one line with the LALR parser (the reference the fast path must agree with)."""
        from .exact import Rejected, parse

        try:
            return parse(self.lark, line, section, self.blanks)
        except Rejected as err:
            raise LineError(str(err), err.column) from None


def _compiled(planned: Any) -> _Section:
    """A plan's regex compiled, with what fetches each expansion's values; ``_Stale`` when the
    plan's groups do not fit the regex."""
    try:
        regex = regexes.compile(planned["regex"], planned["code"])
        expansions = {}
        for label, (kind, groups) in enumerate(planned["ends"]):
            numbers = [regex.groups if g < 0 else g for g in groups]
            if not all(type(g) is int and 0 < g <= regex.groups for g in numbers):
                raise _Stale
            expansions[regex.groupindex[f"e{label}"]] = (str(kind), _fetcher(numbers))
    except (re.error, KeyError, TypeError, ValueError) as err:
        raise _Stale from err
    return regex, expansions


def _fetcher(groups: list[int]) -> Callable[[re.Match[str]], tuple[str | None, ...]]:
    """What fetches an expansion's values from a match: these groups' text."""
    if len(groups) > 1:
        return itemgetter(*groups)
    if groups:
        (only,) = groups
        return lambda m: (m[only],)
    return lambda m: ()


CACHE_FOLDER = "netstat-normalizer"
"""Plans and Lark's built parsers are kept in this folder of ``$XDG_CACHE_HOME`` (else
``~/.cache``)."""


def cache_folder() -> str | None:
    """The user's own cache folder, made (0700) if need be; None when it cannot be made or is no
    folder of the user's alone (a link, another owner, writable by others): a predictable name
    in a shared folder could hold a file another local user planted."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, CACHE_FOLDER)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    owner = os.getuid() if hasattr(os, "getuid") else None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022 or owner is None:
        return None
    if info.st_uid != owner:
        return None
    return folder


def cache_file(name: str, sections: tuple[str, ...]) -> str | bool:
    """Where Lark keeps the built parser of ``name`` with these sections: a file in the user's own
    cache folder, named by a digest of every grammar file, the sections and the Lark and Python
    versions (so an edited imported grammar is never read stale); False (no cache) when there is
    no such folder.  Lark's own default, in the shared temporary folder, would unpickle a file
    another local user could plant there."""

    import lark

    folder = cache_folder()
    if folder is None:
        return False
    key = f"{_grammars_digest()} {sections} {lark.__version__} {sys.version_info[:2]}"
    return os.path.join(folder, f"{name}-{_digest([key.encode()])}.pickle")


def plan_file(name: str, sections: tuple[str, ...]) -> str | None:
    """Where the fast path of ``name`` with these sections is kept (JSON), named by a digest of
    all it is derived from: the grammar files, the code that derives it, the installed Lark and
    the Python build; None when there is no cache folder."""
    folder = cache_folder()
    if folder is None:
        return None
    key = f"{_grammars_digest()} {_code_digest()} {sections} {_lark_stamp()} {regexes.BUILD}"
    return os.path.join(folder, f"{name}-{_digest([key.encode()])}.plan{PLAN_FORMAT}.json")


KEPT_UNUSED_DAYS = 30
"""Cache files not used for this many days are deleted when a plan is built (an upgrade or an
edit leaves the old ones behind: their names hold a digest of what they were built from)."""
_CACHED = re.compile(r"[a-z_]+-[0-9a-f]{16}(\.plan\d+(\.regexes)?\.json|\.pickle)(\.\d+\.partial)?")
"""The names of the files this module and Lark keep in the cache folder."""


def _used(*kept: str) -> None:
    """Mark the cache files ``kept`` as used now: their times say which files ``_prune``
    keeps."""
    for where in kept:
        with suppress(OSError):
            os.utime(where)


def _prune(folder: str) -> None:
    """Delete the cache files of ``folder`` not used (see ``_used``) for ``KEPT_UNUSED_DAYS``;
    a file that cannot be deleted stays."""
    too_old = time.time() - KEPT_UNUSED_DAYS * 86400
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with suppress(OSError):
                if (
                    _CACHED.fullmatch(entry.name)
                    and entry.stat(follow_symlinks=False).st_mtime < too_old
                ):
                    os.unlink(entry.path)


def _regexes_file(where: str) -> str:
    """Where the regexes of the plan kept at ``where`` are kept."""
    return where.removesuffix(".json") + ".regexes.json"


def _digest(parts: list[bytes]) -> str:
    """A 64-bit digest of ``parts`` (two checksums: a cache key in the user's own folder, where
    no one else can choose what collides; hashlib's OpenSSL costs 2 ms to load)."""
    data = b"\0".join(parts)
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


@cache
def _grammars_digest() -> str:
    """A digest of every grammar file the package ships."""
    package = "netstat_normalizer.grammars"
    grammars = [name for name in file_names(package) if name.endswith(".lark")]
    return _digest([name.encode() + b"\0" + read_bytes(package, name) for name in grammars])


@cache
def _code_digest() -> str:
    """A digest of the modules that derive and read a plan."""
    modules = ("fastpath.py", "firsts.py", "linegrammar.py", "regexes.py")
    return _digest([read_bytes(__package__, module) for module in modules])


@cache
def _lark_stamp() -> str:
    """Which Lark is installed, found without importing it: its path, size and time."""
    spec = find_spec("lark")
    if spec is None or spec.origin is None:
        return "no lark"
    info = os.stat(spec.origin)
    return f"{spec.origin} {info.st_size} {info.st_mtime_ns}"


def _read_plan(where: str, sections: tuple[str, ...]) -> dict[str, Any] | None:
    """The plan kept at ``where``, but its regexes; None when there is none, or it cannot be
    read or does not hold together (then it is built again)."""
    found = _read_json(where)
    return found if _well_formed(found, sections) else None


def _read_json(where: str) -> Any:
    """The JSON value kept at ``where``; None when it cannot be read."""
    try:
        with open(where, "rb") as kept:
            return orjson.loads(kept.read())
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return None


def _well_formed(plan: Any, sections: tuple[str, ...]) -> bool:
    """Whether ``plan`` has a plan's shape, for these sections (its regexes are checked as they
    are compiled, see ``_compiled``)."""
    try:
        fine = type(plan["blanks"]) is str and type(plan["gap"]) is str
        fine = fine and isinstance(plan["starts"], dict) and "regexes" not in plan
        fine = fine and isinstance(plan["alone"], dict)
        for section in sections:
            planned = plan["sections"][section]
            fine = fine and type(planned["whole"]) is int and isinstance(planned["firsts"], dict)
            for kind in plan["kinds"][section]:
                fine = fine and type(kind) is str and isinstance(plan["patterns"][kind], list)
    except (KeyError, TypeError):
        return False
    return bool(fine)


def _write_plan(where: str, plan: Plan) -> None:
    """Keep ``plan`` at ``where``, its regexes beside (written first: a plan read has them); a
    cache that cannot be written is only slower."""
    if _write_json(_regexes_file(where), plan["regexes"]):
        _write_json(where, {key: value for key, value in plan.items() if key != "regexes"})


def _write_json(where: str, value: Any) -> bool:
    """Keep ``value`` as JSON at ``where`` (a file of the user's alone, replaced whole); whether
    it was written."""
    partial = f"{where}.{os.getpid()}.partial"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(partial, flags, 0o600)
    except OSError:
        return False
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(orjson.dumps(value))
        os.replace(partial, where)
    except OSError:
        with suppress(OSError):
            os.unlink(partial)
        return False
    return True


def kept_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled, from its compiled form kept in the cache folder (``regexes``), which
    the first run keeps: a dialect's row regex (``FastRow``) takes 5-8 ms to compile."""
    folder = cache_folder()
    if folder is None:
        return re.compile(pattern)
    key = _digest([pattern.encode(), regexes.BUILD.encode()])
    where = os.path.join(folder, f"row-{key}.plan{PLAN_FORMAT}.regexes.json")
    code = _read_json(where)
    if code is not None:
        with suppress(re.error, ValueError, TypeError, KeyError):  # damaged: compiled anew
            found = regexes.compile(pattern, code)
            _used(where)
            return found
    code = regexes.code_of(pattern)
    if code is not None:
        _write_json(where, code)
    return regexes.compile(pattern, code)


@cache
def line_grammar(name: str, sections: tuple[str, ...]) -> LineGrammar:
    """The (cached) line grammar in ``grammars/<name>.lark`` with these start sections."""
    return LineGrammar(name, sections)
