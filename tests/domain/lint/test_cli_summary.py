"""``event-inspector lint`` on a big export: the per-rule summary first, --min-severity,
--max-per-rule, and a quiet end when the reader goes away (``| head``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.domain.lint.test_cli import run

N = 3000
ERROR_LINE = 2016


@pytest.fixture
def export(tmp_path: Path) -> str:
    """Every event has an info finding (I001, no messageId); one has an error (E005)."""
    p = tmp_path / "export.ndjson"
    lines = []
    for i in range(1, N + 1):
        m = {"type": "track", "event": "Order Completed", "userId": f"u{i}", "properties": {}}
        if i == ERROR_LINE:
            del m["event"]
        lines.append(json.dumps(m))
    p.write_text("\n".join(lines) + "\n")
    return str(p)


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_summary_first_the_error_on_top(export):
    code, out, _ = run([export])
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{N} events linted: 1 error, 0 warnings, {N} info"
    assert lines[1] == "by rule (count, first example):"
    assert lines[2].split()[:3] == ["E005", "error", "1"]
    assert f"{export}:{ERROR_LINE}: Track call is missing its event name" in lines[2]
    assert lines[3].split()[:3] == ["I001", "info", str(N)] and f"{export}:1: " in lines[3]
    assert lines[4] == "findings (at most 20 per rule; --max-per-rule 0 lists all):"
    listed = [ln for ln in lines[5:] if ln.startswith(export)]
    assert len(listed) == 21  # 20 I001 and the E005, in file order
    assert f"{export}:{ERROR_LINE}: error   E005" in listed[-1]
    assert lines[-1] == f"… {N - 20} more I001 findings not listed"
    assert len(lines) < 30  # not 3,000 identical lines


def test_min_severity_and_max_per_rule(export):
    code, out, _ = run([export, "--min-severity", "error"])
    assert code == 1
    assert "I001" not in out and out.count("E005") == 2  # the summary row and the finding
    assert out.splitlines()[0] == f"{N} events linted: 1 error, 0 warnings, {N} info"
    code, out, _ = run([export, "--max-per-rule", "0", "--min-severity", "warning"])
    assert code == 1 and "I001" not in out
    code, out, _ = run([export, "--max-per-rule", "0"])
    assert len([ln for ln in out.splitlines() if ln.startswith(export)]) == N + 1
    code, _, err = run([export, "--max-per-rule", "-1"])
    assert code == 2 and "--max-per-rule" in err
    code, _, err = run([export, "--min-severity", "fatal"])
    assert code == 2


def test_json_has_the_rules_and_what_was_left_out(export):
    code, out, _ = run([export, "--format", "json", "--max-per-rule", "5"])
    body = json.loads(out)
    assert code == 1
    assert [(r["rule"], r["count"]) for r in body["rules"]] == [("E005", 1), ("I001", N)]
    assert body["rules"][0]["first"]["line"] == ERROR_LINE
    assert len(body["findings"]) == 6 and body["omitted"] == {"I001": N - 5}
    assert body["summary"]["byRule"] == {"E005": 1, "I001": N}
    code, out, _ = run([export, "--format", "json", "--min-severity", "error"])
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["E005"]


def test_junit_leaves_out_what_is_below_the_floor(export):
    _, out, _ = run([export, "--format", "junit", "--min-severity", "error"])
    assert "I001" not in out and 'failures="1"' in out
    _, out, _ = run([export, "--format", "junit"])
    assert "I001" in out


def test_a_closed_pipe_ends_quietly(export):
    """``event-inspector lint big.ndjson | head -1``: no BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "inspector", "lint", export, "--max-per-rule", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as head does after its lines
    err = proc.stderr.read().decode()
    code = proc.wait(60)
    assert first.startswith(f"{N} events linted".encode())
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
    assert err == "" and code == 0


def test_through_a_real_shell_pipe(export):
    r = subprocess.run(
        f"{sys.executable} -m inspector lint {export} --max-per-rule 0 | head -2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.stdout.splitlines()[1] == "by rule (count, first example):"
    assert r.stderr == ""
