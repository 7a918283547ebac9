"""Headless commands: export/import round trip, sessions, and serve never loads Qt."""

from __future__ import annotations

import json
import subprocess
import sys

from inspector.cli import main
from inspector.testing.collector import ThreadedCollector


def test_export_import_round_trip(tmp_path):
    msgs = [
        {
            "type": "track",
            "event": "Zoë",
            "userId": "u",
            "messageId": "m1",
            "properties": {"big": 2**70, "n": None},
        },
        {"type": "identify", "userId": "u", "traits": {"a": [1, {"b": None}]}, "messageId": "m2"},
    ]
    with ThreadedCollector(tmp_path / "d", session="s1") as c:
        import requests

        requests.post(c.url + "/v1/batch", data=json.dumps({"batch": msgs}), timeout=5)
    out = tmp_path / "s1.ndjson"
    assert (
        main(["export", "--data-dir", str(tmp_path / "d"), "--session", "s1", "--out", str(out)])
        == 0
    )
    lines = out.read_text().splitlines()
    assert [json.loads(x) for x in lines] == msgs
    assert main(["import", str(out), "--data-dir", str(tmp_path / "d"), "--session", "s2"]) == 0
    out2 = tmp_path / "s2.ndjson"
    assert (
        main(["export", "--data-dir", str(tmp_path / "d"), "--session", "s2", "--out", str(out2)])
        == 0
    )
    assert out2.read_text() == out.read_text()


def test_import_reports_the_bad_line(tmp_path, capsys):
    f = tmp_path / "bad.ndjson"
    f.write_text('{"type":"track"}\n\nnot json\n')
    assert main(["import", str(f), "--data-dir", str(tmp_path)]) == 2
    assert "bad.ndjson:3" in capsys.readouterr().err


def test_sessions_command(tmp_path, capsys):
    with ThreadedCollector(tmp_path, session="first"):
        pass
    assert main(["sessions", "--data-dir", str(tmp_path), "rename", "first", "second"]) == 0
    assert main(["sessions", "--data-dir", str(tmp_path)]) == 0
    assert "second" in capsys.readouterr().out
    assert main(["sessions", "--data-dir", str(tmp_path), "delete", "nope"]) == 2


def test_serve_and_headless_paths_do_not_import_qt(tmp_path):
    code = (
        "import sys, inspector.cli, inspector.cli.serve, inspector.collector.app;"
        "import inspector.testing.plugin;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'qasync'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_serve_prints_its_url_and_busy_port_is_a_clear_error(tmp_path):
    p = subprocess.Popen(
        [sys.executable, "-m", "inspector", "serve", "--port", "0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = p.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:")
        port = line.split(":")[2].split()[0]
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "inspector",
                "serve",
                "--port",
                port,
                "--data-dir",
                str(tmp_path / "other"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 1 and "already in use" in r.stderr
    finally:
        p.terminate()
        p.wait(10)


def test_export_says_why_a_query_found_nothing(tmp_path, capsys):
    from inspector.domain.store import Store
    from inspector.testing.events import event

    store = Store(tmp_path)
    sid = store.open_session("s").id
    evs = [event({"type": "track", "event": "Order Completed"}, session_id=sid)]
    store.allocate(None, evs)
    store.write([], evs)
    store.close()
    out = str(tmp_path / "out.ndjson")
    args = ["export", "--data-dir", str(tmp_path), "--out", out]
    assert main([*args, "--q", "type:trak"]) == 0
    err = capsys.readouterr().err
    assert "exported 0 events" in err
    assert "hint: --q column 6: no event has type “trak” — did you mean track?" in err
    assert main([*args, "--q", 'event:"Order Complete"']) == 0
    assert "did you mean Order Completed?" in capsys.readouterr().err
    assert main([*args, "--q", "type:track"]) == 0
    err = capsys.readouterr().err
    assert "exported 1 events" in err and "hint:" not in err
