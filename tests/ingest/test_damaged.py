"""Damaged files: one clear line naming the file and what to do, never a traceback; ``repair``
moves the file aside (nothing deleted) and saves every row SQLite can still read."""

from __future__ import annotations

import json
import os

import pytest

from inspector.domain.store import Store
from inspector.ingest.inbox import Inbox, inbox_dir
from inspector.testing.serve import cli
from tests.ingest.inbox_rows import json_post
from tests.ingest.procs import Serve, env_without_display


def filled(data, n_requests=300, per=20):
    store = Store(data)
    sid = store.open_session("s").id
    inbox = Inbox.create(data)
    for i in range(n_requests):
        body = json.dumps(
            {
                "batch": [
                    {
                        "type": "track",
                        "event": "E",
                        "userId": "u",
                        "messageId": f"m{i}-{k}",
                        "properties": {"pad": "z" * 200},
                    }
                    for k in range(per)
                ]
            }
        ).encode()
        inbox.append(json_post(sid, "batch", body))
    from inspector.ingest.stages import Stages

    stages = Stages(store, None)
    for upto in range(20, n_requests + 1, 20):  # in steps, as the pipeline stores
        stages.process_inbox(str(inbox.path), upto, 20, False)
    inbox.close(delete=True)
    store.close()
    return n_requests * per


def one_line(stderr: str, path) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert str(path) in lines[0] and "event-inspector repair --data-dir" in lines[0]


@pytest.mark.parametrize("damage", ["cut short", "overwritten"])
def test_a_damaged_store_is_said_in_one_line_and_repair_saves_what_it_can(tmp_path, damage):
    data = tmp_path / "data"
    total = filled(data)
    db = data / "inspector.sqlite3"
    size = db.stat().st_size
    if damage == "cut short":
        os.truncate(db, size // 2)
    else:
        with db.open("r+b") as fh:
            fh.seek(0)
            fh.write(os.urandom(8192))  # the header and the schema are gone
    for args in (["sessions"], ["export", "--out", "-"], ["serve", "--port", "0"]):
        r = cli(*args, "--data-dir", str(data), timeout=60)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        one_line(r.stderr, db)
    # the window's startup says the same
    r = cli("--data-dir", str(data), "--port", "0", timeout=60, env=env_without_display())
    assert r.returncode == 2
    one_line(r.stderr, db)

    r = cli("repair", "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    aside = [p for p in data.iterdir() if ".damaged-" in p.name]
    assert aside and aside[0].stat().st_size > 0  # moved, not deleted
    saved = int(r.stdout.split("saved ")[1].split()[0])
    if damage == "cut short":
        assert total // 4 < saved < total  # what the pages left hold
        store = Store(data)
        mids = [ev.message_id for ev in store.iter_events(store.session("s").id)]
        store.close()
        assert len(mids) == len(set(mids)) == saved and all(m.startswith("m") for m in mids)
    else:  # its first pages (the schema, the sessions) are gone, the rest is read page by page
        assert saved == total and "moved aside" in r.stdout
    # the store works again, and has what was saved
    r = cli("sessions", "--data-dir", str(data))
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert f"{saved} events" in r.stdout
    assert "nothing to repair" in cli("repair", "--data-dir", str(data)).stdout


def test_a_damaged_inbox_file_is_said_in_one_line_and_repair_saves_its_rows(tmp_path):
    data = tmp_path / "data"
    Store(data).close()
    # a collector that died left an inbox of 50 unprocessed requests, then the file was cut
    store = Store(data)
    sid = store.open_session("s").id
    store.close()
    inbox = Inbox.create(data)
    for i in range(50):
        body = json.dumps(
            {
                "type": "track",
                "event": "E",
                "userId": "u",
                "messageId": f"i{i}",
                "properties": {"pad": "w" * 2000},
            }
        ).encode()
        inbox.append(json_post(sid, "track", body))
    inbox._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = inbox.path
    inbox.close()
    os.truncate(path, path.stat().st_size * 2 // 3)
    with Serve(data, "s") as s:  # serve starts, and says which file
        assert s.events() == []
        code, err = s.stop()
    assert code == 0 and "Traceback" not in err
    (warning,) = [ln for ln in err.splitlines() if "damaged" in ln]
    assert str(path) in warning and "event-inspector repair" in warning
    r = cli("repair", "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    saved = int(r.stdout.split("saved ")[1].split()[0])
    assert 10 < saved < 50, r.stdout
    assert not path.exists() and any(".damaged-" in p.name for p in inbox_dir(data).iterdir())
    with Serve(data, "s") as s:  # the saved requests are stored by the next start
        assert len(s.events()) == saved
        s.stop()
