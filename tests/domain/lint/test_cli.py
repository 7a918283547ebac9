"""``event-inspector lint``: formats, exit codes, line numbers, config from cwd."""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from inspector.cli import main
from tests.domain.lint.helpers import clean


def ndjson(tmp_path: Path, *lines: object) -> str:
    p = tmp_path / "events.ndjson"
    p.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return str(p)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["lint", *argv])
        except SystemExit as exc:  # argparse: a usage error
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def bad_track() -> dict:
    m = clean("track")
    m.update(messageId="bad-1")
    del m["event"]
    return m


def test_json_output_and_exit_1(tmp_path: Path) -> None:
    f = ndjson(tmp_path, clean("identify"), "", bad_track())
    code, out, _ = run([f, "--format", "json"])
    data = json.loads(out)
    assert code == 1
    assert data["findings"] == [
        {
            "line": 3,
            "messageId": "bad-1",
            "rule": "E005",
            "severity": "error",
            "message": "Track call is missing its event name (event is missing)",
            "path": "event",
        }
    ]
    assert data["summary"]["events"] == 2
    assert data["summary"]["bySeverity"] == {"error": 1, "warning": 0, "info": 0}
    assert data["summary"]["byRule"] == {"E005": 1}


def test_clean_file_exit_0_text(tmp_path: Path) -> None:
    f = ndjson(tmp_path, clean("track"), clean("page"))
    code, out, _ = run([f])
    assert code == 0
    assert out.strip() == "2 events linted: 0 errors, 0 warnings, 0 info"


def test_warnings_only_exit_0_and_text_lines(tmp_path: Path) -> None:
    m = {**clean("track"), "properties": {"revenue": "9.99"}}
    f = ndjson(tmp_path, m)
    code, out, _ = run([f, "--format", "text"])
    assert code == 0
    assert f"{f}:1: warning W023 revenue must be a number" in out
    assert "[properties.revenue]" in out


def test_junit_output(tmp_path: Path) -> None:
    f = ndjson(tmp_path, clean("track"), bad_track())
    code, out, _ = run([f, "--format", "junit"])
    assert code == 1
    root = ET.fromstring(out)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["line 1: track Order Completed", "line 2: track"]
    assert cases[0].find("failure") is None
    fail = cases[1].find("failure")
    assert fail is not None and fail.get("type") == "E005"


def test_not_json_line_exit_2(tmp_path: Path) -> None:
    f = ndjson(tmp_path, clean("track"), "{oops")
    code, out, err = run([f])
    assert code == 2 and "line 2 is not JSON" in err and out == ""


def test_missing_file_exit_2(tmp_path: Path) -> None:
    code, _, err = run([str(tmp_path / "nope.ndjson")])
    assert code == 2 and "no such file" in err


def test_bad_option_exit_2(tmp_path: Path) -> None:
    code, _, err = run([ndjson(tmp_path, clean("track")), "--format", "xml"])
    assert code == 2 and "invalid choice" in err


def test_non_object_line_is_e001(tmp_path: Path) -> None:
    code, out, _ = run([ndjson(tmp_path, [1, 2]), "--format", "json"])
    assert code == 1 and json.loads(out)["findings"][0]["rule"] == "E001"


def test_batch_line_lints_each_item(tmp_path: Path) -> None:
    f = ndjson(tmp_path, {"batch": [clean("track"), bad_track()], "sentAt": "2024-01-31T12:00:01Z"})
    code, out, _ = run([f, "--format", "json"])
    data = json.loads(out)
    assert code == 1 and data["summary"]["events"] == 2
    assert [x["line"] for x in data["findings"]] == [1]


def test_plan_option_and_config_from_cwd(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(
        "events:\n  Order Completed:\n    properties:\n      order_id: {type: string}\n"
    )
    f = ndjson(tmp_path, {**clean("track"), "event": "Cart Viewed", "properties": {}})
    code, out, _ = run([f, "--plan", "plan.yaml", "--format", "json"])
    assert [x["rule"] for x in json.loads(out)["findings"]] == ["W028"]
    (tmp_path / ".event-inspector.toml").write_text(
        '[lint]\nplan = "plan.yaml"\n[lint.severity]\nW028 = "error"\n'
    )
    code, out, _ = run([f, "--format", "json"])
    assert code == 1 and json.loads(out)["findings"][0]["severity"] == "error"


def test_bad_plan_exit_2(tmp_path: Path) -> None:
    f = ndjson(tmp_path, clean("track"))
    code, _, err = run([f, "--plan", "missing.yaml"])
    assert code == 2 and "missing.yaml" in err


def test_dialect_normalised_like_intake(tmp_path: Path) -> None:
    raw = {
        "type": "Track",
        "event": "Order Completed",
        "userID": "user-1234",
        "messageId": "m",
        "timestamp": "2024-01-31T12:00:00Z",
    }
    code, out, _ = run([ndjson(tmp_path, raw), "--format", "json"])
    assert code == 0
    assert sorted(x["rule"] for x in json.loads(out)["findings"]) == ["W001", "W002"]


def test_no_qt_or_aiohttp_imported() -> None:
    import subprocess
    import sys

    code = (
        "import sys, inspector.cli.lint; "
        "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','aiohttp','qasync')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
