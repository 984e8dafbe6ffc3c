"""``explain``: what a state (any spelling) or a finding's rule means."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..analysis.knowledge import LANGS, explain


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "explain", help="what a TCP state (any spelling) or a findings rule id means"
    )
    command.add_argument("word", metavar="WORD", help="SYN_RCVD, LISTENING, 0A, close-wait-pile...")
    command.add_argument("--os", help="only this system's tunables (linux, windows, or a dialect)")
    command.add_argument("--lang", choices=LANGS, default="en", help="en (default) or ko")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    answer = explain(args.word, os=args.os, lang=args.lang)
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        print(text(answer))
    return 0


def text(answer: dict[str, Any]) -> str:
    """An explanation as readable text."""
    if "rule" in answer:
        defaults = ", ".join(f"{k}={v}" for k, v in answer["defaults"].items())
        return "\n".join(
            [
                f"{answer['rule']}: {answer['explain']}",
                f"  states: {', '.join(answer['states'])}",
                f"  defaults: {defaults}",
                f"  sources: {answer['sources']}",
            ]
        )
    lines = [f"{answer['state']} ({answer['side']}): {answer['meaning']}"]
    spelled = "; ".join(f"{d}: {' '.join(words)}" for d, words in answer["spellings"].items())
    lines.append(f"  printed as: {spelled}")
    lines.append(f"  lasts: {answer['lasts']}")
    lines += [f"  next -> {t['state']}: {t['event']}" for t in answer["next"]]
    lines.append(f"  many of them: {answer['piles']['means']}")
    lines.append(f"  look at: {answer['piles']['next']}")
    lines += [f"  pitfall: {p['text']}" for p in answer["pitfalls"]]
    lines += [
        f"  [{t['os']}] {t['name']} = {t['default']}: {t['governs']}" for t in answer["tunables"]
    ]
    lines.append(f"  sources: {answer['sources']}")
    return "\n".join(lines)
