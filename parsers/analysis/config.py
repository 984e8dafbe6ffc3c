"""The settings of ``findings``' rules: the defaults in ``data/rules.toml``, a TOML file's tables
(``[RULE]`` for every host, ``[hosts."GLOB".RULE]`` for hosts matching a glob, later globs
winning) and ``--set RULE.KEY=VALUE`` on top."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

from ..errors import NetstatNormalizerError
from .knowledge import LANGS, UnknownWordError, read_toml, rules

TEXT_KEYS = frozenset({"states", "sources", *(f"explain_{lang}" for lang in LANGS)})
"""Keys of a rule's table that are knowledge, not settings."""


class ConfigError(NetstatNormalizerError, ValueError):
    """A malformed config file or ``--set``, or a value of the wrong type."""


class Config:
    """Each rule's settings for a host."""

    def __init__(self, data: Mapping[str, Any] | None = None, sets: Iterable[str] = ()) -> None:
        data = dict(data or {})
        hosts = data.pop("hosts", {})
        self.every: dict[str, dict[str, Any]] = {}
        self.globs: list[tuple[str, dict[str, dict[str, Any]]]] = []
        _merge(self.every, data, "")
        for glob, tables in hosts.items():
            per_host: dict[str, dict[str, Any]] = {}
            _merge(per_host, tables, f'hosts."{glob}".')
            self.globs.append((glob, per_host))
        for setting in sets:
            rule, key, value = parse_set(setting)
            _merge(self.every, {rule: {key: value}}, "--set ")
        self.settings = lru_cache(maxsize=1024)(self._settings)

    @classmethod
    def from_toml(cls, text: bytes | str, sets: Iterable[str] = ()) -> Config:
        """A config from a TOML document (and ``--set`` strings)."""
        try:
            return cls(read_toml(text), sets)
        except ValueError as err:  # tomllib.TOMLDecodeError is a ValueError
            raise ConfigError(f"config: {err}") from None

    def _settings(self, rule: str, host: str | None) -> dict[str, Any]:
        """``rule``'s settings for ``host`` (its defaults, then the file's, then --set)."""
        table = rules()[rule]
        settings = {key: value for key, value in table.items() if key not in TEXT_KEYS}
        settings.update(self.every.get(rule, {}))
        for glob, per_host in self.globs:
            if fnmatchcase(host or "", glob):
                settings.update(per_host.get(rule, {}))
        return settings


def parse_set(setting: str) -> tuple[str, str, Any]:
    """``RULE.KEY=VALUE``: the value read as a TOML value (``5``, ``0.9``, ``true``,
    ``["22"]``), else as text."""
    name, equals, text = setting.partition("=")
    rule, dot, key = name.rpartition(".")
    if not equals or not dot or not rule or not key:
        raise ConfigError(f"--set wants RULE.KEY=VALUE, not {setting!r}")
    try:
        value = read_toml(f"v = {text}")["v"]
    except ValueError:
        value = text
    return rule, key, value


def _merge(into: dict[str, dict[str, Any]], tables: Mapping[str, Any], where: str) -> None:
    for rule, values in tables.items():
        if rule not in rules():
            raise UnknownWordError(f"rule in {where or 'config'}", rule, sorted(rules()))
        if not isinstance(values, Mapping):
            raise ConfigError(f"{where}{rule} must be a table of settings")
        defaults = rules()[rule]
        for key, value in values.items():
            if key not in defaults or key in TEXT_KEYS:
                known = [k for k in defaults if k not in TEXT_KEYS]
                raise UnknownWordError(f"setting of {rule}", key, known)
            expected = type(defaults[key])
            if not _fits(value, expected):
                raise ConfigError(f"{where}{rule}.{key} wants a {expected.__name__}, not {value!r}")
            into.setdefault(rule, {})[key] = value


def _fits(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)
