"""The endpoint splitters' straight path for ``host:port`` gives what the general path gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netstat_normalizer.model.addresses import (
    Endpoint,
    _endpoint,
    dot_refused,
    split_colon,
    split_dot,
)

_HOSTS = st.sampled_from(
    [
        *("10.0.0.1", "::1", "::", "fe80::1%eth0", "[::1]", "[fe80::1%lo]", "*", "", "host"),
        *("0.0.0.0", "10", "10.2", "1.2.3.256", "01.2.3.4", "192.168.100.", "1e100.net"),
    ]
) | st.text(alphabet="0123456789abcdef:.%[]*", max_size=12)
_PORTS = st.sampled_from(
    ["22", "0", "*", "", "0*", "ssh", "²80", "65535", "0080", "65536", "99999999999", "0065535"]
) | st.text(alphabet="0123456789*x", max_size=6)


def _general(text: str, separator: str) -> Endpoint:
    host, sep, port = text.rpartition(separator)
    return _endpoint(host, port, "tcp") if sep else _endpoint(text, "*", "tcp")


@given(_HOSTS, _PORTS)
def test_split_colon_matches_the_general_path(host: str, port: str) -> None:
    text = f"{host}:{port}"
    found = split_colon(text, "tcp")
    assert type(found) is Endpoint
    assert found == _general(text, ":")


@given(_HOSTS, _PORTS)
def test_split_dot_matches_the_general_path(host: str, port: str) -> None:
    text = f"{host}.{port}"
    host = text.strip().rpartition(".")[0]
    if host[:1].isdigit() and host.replace(".", "").isdigit() and not _ipv4(host):
        with pytest.raises(ValueError, match="is no IPv4 address"):
            split_dot(text, "tcp")
        assert dot_refused(text)
        return
    assert not dot_refused(text)
    found = split_dot(text, "tcp")
    assert type(found) is Endpoint
    assert found == _general(text.strip(), ".")


def _ipv4(host: str) -> bool:
    """An IPv4 address, or one cut to 12 characters (three octets and a dot)."""
    parts = host.split(".")
    octets = parts[:3] if len(parts) == 4 and parts[3] == "" else parts
    valid = all(p.isdigit() and str(int(p)) == p and int(p) < 256 for p in octets)
    return valid and len(parts) == 4


def test_a_number_past_65535_is_no_port_but_kept_as_printed() -> None:
    assert split_colon("10.0.0.1:65535", "tcp") == ("10.0.0.1", 65535, None, None)
    assert split_colon("10.0.0.1:65536", "tcp") == ("10.0.0.1", None, "65536", None)
    assert split_colon("[::1]:70000", "tcp") == ("::1", None, "70000", None)
    assert split_dot("10.0.0.1.99999", "tcp") == ("10.0.0.1", None, "99999", None)
    assert split_dot("10.0.0.1.000022", "tcp") == ("10.0.0.1", 22, None, None)
