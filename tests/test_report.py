"""``report``: one self-contained page, checked as text and rendered in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import netstat_normalizer as nn
from fleet import HOSTS, path
from netstat_normalizer.analysis.outliers import group_of, outliers
from netstat_normalizer.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", *(str(path(h)) for h in HOSTS), "--out", str(out)]) == 0
    return out


def test_the_page_fetches_nothing(page: Path) -> None:
    html = page.read_text("utf-8")
    assert "default-src 'none'" in html
    assert not re.search(r"""(?:src|href)\s*=\s*(?!["']?#)""", html)  # in-page anchors only
    assert not re.search(r"url\(|@import|https?:", html)
    assert html.count('<svg class="chart') == 1 + len(HOSTS)
    for host in HOSTS:
        assert f'id="host-{host}"' in html


def test_the_page_shows_findings_listeners_and_changes(page: Path) -> None:
    html = page.read_text("utf-8")
    web1 = html[html.index('id="host-web-1"') :]
    web1 = web1[: web1.index("</section>")]
    assert "close-wait-leak" in web1 and "listener-flap" in web1
    assert "0.0.0.0</td><td class=num>443</td><td>wildcard</td><td>nginx[" in web1
    assert "<td>listener-scope-changed</td><td>tcp</td><td>0.0.0.0:9000</td>" in web1
    assert "<td>tcp 443</td><td>web-1</td><td class=num>50% of 2</td>" in html


def _chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_page_renders_in_chromium(page: Path, tmp_path: Path) -> None:
    run = _chromium(
        page, tmp_path, "--virtual-time-budget=5000", "--enable-logging=stderr", "--dump-dom"
    )
    status = re.search(r'<div id="render-status"[^>]*>', run.stdout)
    assert status, run.stdout[:500]
    marks = dict(re.findall(r'data-(\w+)="(\d+)"', status.group()))
    assert marks == {"charts": str(1 + len(HOSTS)), "drawn": str(1 + len(HOSTS)), "errors": "0"}
    assert not re.search(r"CONSOLE|Uncaught|Refused to", run.stderr)
    shot = tmp_path / "report.png"
    _chromium(page, tmp_path, "--window-size=1280,2400", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")


def test_outliers_group_hosts_by_name() -> None:
    assert [group_of(h) for h in ("web-1", "web-12", "db1", "db")] == ["web", "web", "db", "db"]
    listeners = {
        "web-1": {("tcp", "0.0.0.0", 80), ("tcp", "0.0.0.0", 443)},
        "web-2": {("tcp", "0.0.0.0", 80)},
        "web-3": {("tcp", "::", 80), ("tcp", "0.0.0.0", 443)},
        "db-1": {("tcp", "127.0.0.1", 5432)},
    }
    assert outliers(listeners) == []  # 443 on 2 of 3 web hosts: 66.7% is not below 60%
    assert outliers(listeners, share=70) == [
        {
            "group": "web",
            "proto": "tcp",
            "port": 443,
            "hosts": ["web-1", "web-3"],
            "group_hosts": 3,
            "percent": 66.7,
        }
    ]


def test_per_capture_findings_join_when_that_module_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``analysis.findings`` (the state-knowledge rules): each host's last capture's findings
    join the timeline's; its close-wait-leak gives way to the timeline's, which has a slope."""
    import sys
    import types

    from fleet import records
    from netstat_normalizer.analysis.report import collect

    def findings(found: list[nn.Record]) -> list[dict[str, object]]:
        seen = sorted({(r.host, r.capture, r.source["path"]) for r in found}, key=str)
        return [
            {
                "host": host,
                "capture": n,
                "source": {"path": where, "member": None},
                "rule": rule,
                "severity": "info",
                "value": None,
                "threshold": None,
                "subject": "s",
            }
            for host, n, where in seen
            for rule in ("wildcard-listener", "close-wait-leak")
        ]

    module = types.ModuleType("netstat_normalizer.analysis.findings")
    module.findings = findings  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    fleet = collect(r for host in HOSTS for r in records(host))
    assert fleet.findings_source == "timeline and findings"
    web1 = [(f["rule"], f.get("capture")) for f in fleet.hosts["web-1"].findings]
    assert sorted(web1) == [("close-wait-leak", 4), ("listener-flap", 4), ("wildcard-listener", 4)]
    assert [f["rule"] for f in fleet.hosts["web-2"].findings] == ["wildcard-listener"]
    assert "slope_per_min" in next(
        f for f in fleet.hosts["web-1"].findings if f["rule"] == "close-wait-leak"
    )
