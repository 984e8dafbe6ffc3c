"""The endpoint splitters' straight path for ``host:port`` gives what the general path gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from netstat_normalizer.model.addresses import Endpoint, _endpoint, split_colon, split_dot

_HOSTS = st.sampled_from(
    ["10.0.0.1", "::1", "::", "fe80::1%eth0", "[::1]", "[fe80::1%lo]", "*", "", "host", "0.0.0.0"]
) | st.text(alphabet="0123456789abcdef:.%[]*", max_size=12)
_PORTS = st.sampled_from(["22", "0", "*", "", "0*", "ssh", "²80", "65535", "0080"]) | st.text(
    alphabet="0123456789*x", max_size=6
)


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
    found = split_dot(text, "tcp")
    assert type(found) is Endpoint
    assert found == _general(text.strip(), ".")
