from inspector.domain.capture import RawRequest
from inspector.domain.intake import build_events, parse_body
from inspector.domain.store import Store


def add(store, session, n=2):
    parsed = parse_body(
        "batch",
        b'{"batch":['
        + b",".join(b'{"type":"track","event":"E","userId":"u"}' for _ in range(n))
        + b"]}",
    )
    raw = RawRequest(session_id=session.id, received_at=1.0, method="POST", path="/v1/batch")
    evs = build_events(parsed, session_id=session.id, received_at=1.0, headers={}, query={})
    store.allocate(raw, evs)
    store.write([raw], evs)
    return evs


def test_sessions_create_resume_rename_delete(tmp_path):
    store = Store(tmp_path)
    a = store.open_session("a")
    assert store.open_session("a") == a
    add(store, a, 3)
    store.close()
    store = Store(tmp_path)  # a second run resumes the session and continues its sequence
    a2 = store.open_session("a")
    assert a2.id == a.id
    evs = add(store, a2, 1)
    assert evs[0].seq == 4
    store.rename_session("a", "b")
    assert store.find_session("a") is None and store.find_session("b").id == a.id
    assert [s["events"] for s in store.list_sessions()] == [4]
    store.delete_session("b")
    assert store.list_sessions() == []


def test_default_session_named_by_start_time(tmp_path):
    s = Store(tmp_path).open_session(None)
    assert s.name[:2] == "20" and ":" in s.name
