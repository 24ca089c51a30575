"""CL008 on aiohttp streaming proxies (reviewer 9, Home Assistant supervisor's ingress): with no
total limit by design, the finding is low and asks for a connect bound, not "blocks forever"."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import scan

FIXTURE = Path(__file__).parent / "fixtures" / "CL008" / "aiohttp_streaming.py"


def test_a_streaming_proxy_gets_the_low_connect_finding(tmp_path: Path) -> None:
    copy = tmp_path / "proxy.py"  # outside tests/: server code by path
    copy.write_text(FIXTURE.read_text())
    findings = sorted(scan([str(copy)], select=["CL008"]).findings, key=lambda f: f.location.start_line)
    assert [f.severity for f in findings] == ["low", "medium"]
    streamed, plain = findings
    lines = FIXTURE.read_text().splitlines()
    assert lines.index("async def proxy(request: web.Request, session: aiohttp.ClientSession) -> web.StreamResponse:") \
        < streamed.location.start_line < lines.index("async def proxy_bounded(request: web.Request, session: aiohttp.ClientSession) -> web.StreamResponse:")
    assert "relays a stream with no connect timeout" in streamed.message
    assert "sock_connect" in streamed.problems[0] and "blocks forever" not in streamed.problems[0]
    # a download that reads the whole body keeps the medium finding and its text
    assert "disables every timeout" in plain.message and "blocks forever" in plain.problems[0]
