"""The Compare window: two stored sessions (or a file) side by side, as ``event-inspector diff``."""

from __future__ import annotations

import json
from typing import Any

from inspector.gui.diff_sources import DiffSource
from inspector.gui.models.diff_model import STATUS_ROLE

CTX = {"library": {"name": "analytics-python", "version": "2.4.0"}}


def _release(revenue: Any, *, viewed: bool, cart: bool, company: bool) -> list[dict[str, Any]]:
    msgs: list[dict[str, Any]] = [
        {
            "type": "page",
            "anonymousId": "anon-1",
            "name": "Pricing",
            "properties": {"path": "/pricing"},
        },
        {
            "type": "identify",
            "userId": "user-42",
            "traits": {
                "email": "ada@example.com",
                "plan": "pro",
                **({"company": "Acme"} if company else {}),
            },
        },
    ]
    for i in range(3):
        msgs.append(
            {
                "type": "track",
                "userId": "user-42",
                "event": "Order Completed",
                "properties": {"order_id": f"o-{i}", "revenue": revenue, "currency": "EUR"},
            }
        )
    if viewed:
        msgs.append(
            {
                "type": "track",
                "userId": "user-42",
                "event": "Product Viewed",
                "properties": {"product_id": "p-7"},
            }
        )
    if cart:
        msgs.append(
            {
                "type": "track",
                "userId": "user-42",
                "event": "Cart Viewed",
                "properties": {"items": 2},
            }
        )
    for m in msgs:
        m["context"] = CTX
    return msgs


BASELINE = _release(19.99, viewed=True, cart=False, company=False)
CURRENT = _release("19.99", viewed=False, cart=True, company=True)


def _two_sessions(make_inspector: Any, tmp_path: Any, first: list[Any], second: list[Any]):
    data = str(tmp_path / "shared")
    h1 = make_inspector(data_dir=data, session="v1")
    h1.batch(first)
    h1.wait_until(lambda: h1.rows == len(first))
    h1.run(h1.window.controller.stop())
    h2 = make_inspector(data_dir=data, session="v2")
    h2.batch(second)
    h2.wait_until(lambda: h2.rows == len(second))
    return h2


def _open(h: Any) -> Any:
    dlg = h.window.dialogs.open_compare()
    h.wait_until(
        lambda: not dlg.busy and (dlg.comparison is not None or dlg.error), what="comparison"
    )
    return dlg


def _shown(dlg: Any) -> dict[str, tuple[str, str, str]]:
    m = dlg.model
    out = {}
    for r in range(m.rowCount()):
        key = m.index(r, 1).data() if m.index(r, 0).data() != "identify" else "identify"
        out[key] = (m.index(r, 2).data(), m.index(r, 3).data(), m.index(r, 4).data())
    return out


def test_compare_shows_kinds_side_by_side_with_statuses(make_inspector, tmp_path, qtmodeltester):
    h = _two_sessions(make_inspector, tmp_path, BASELINE, CURRENT)
    dlg = _open(h)
    # defaults: the newest earlier session against the live one
    assert dlg.baseline.source.name == "v1" and dlg.current.source.name == "v2"
    assert "(live)" in dlg.current.combo.currentText()
    assert dlg.error == ""
    assert _shown(dlg) == {
        "Order Completed": ("3", "3", "regression"),
        "Pricing": ("1", "1", "same"),
        "identify": ("1", "1", "changed"),
        "Product Viewed": ("1", "—", "disappeared"),
        "Cart Viewed": ("—", "1", "appeared"),
    }
    summary = dlg.summary.text()
    assert "2 regressions, 2 changes" in summary
    # the selected kind's properties: the regression first
    r = next(
        i for i in range(dlg.model.rowCount()) if dlg.model.index(i, 1).data() == "Order Completed"
    )
    dlg.kinds.selectRow(r)
    pm = dlg.props_model
    assert pm.paths[0] == "revenue"
    assert pm.index(0, 1).data().startswith("number")
    assert pm.index(0, 2).data().startswith("string")
    assert pm.index(0, 3).data() == "type changed"
    assert pm.index(0, 0).data(STATUS_ROLE) == "regression"
    assert {pm.index(i, 3).data() for i in range(1, pm.rowCount())} == {"same"}
    assert "Order Completed" in dlg.kind_title.text()
    r = next(i for i in range(dlg.model.rowCount()) if dlg.model.index(i, 0).data() == "identify")
    dlg.kinds.selectRow(r)
    added = {pm.index(i, 0).data(): pm.index(i, 3).data() for i in range(pm.rowCount())}
    assert added == {"company": "key added", "email": "same", "plan": "same"}
    qtmodeltester.check(dlg.model)
    qtmodeltester.check(pm)
    # export: the CLI's formats
    out = tmp_path / "diff.json"
    dlg.export_to(str(out))
    body = json.loads(out.read_text())
    assert body["summary"]["regressions"] == 2 and body["summary"]["changes"] == 2
    assert body["failed"] is True
    txt = tmp_path / "diff.txt"
    dlg.export_to(str(txt))
    assert "REGRESSED: 2 regressions" in txt.read_text()
    assert {out.stat().st_mode & 0o777, txt.stat().st_mode & 0o777} == {0o600}
    # swapping the sides turns disappeared into appeared
    dlg.swap()
    h.wait_until(
        lambda: (
            not dlg.busy
            and dlg.comparison is not None
            and dlg.comparison.baseline.label.startswith("session 'v2'")
        )
    )
    assert _shown(dlg)["Product Viewed"] == ("—", "1", "appeared")
    dlg.close()


def test_identical_sessions_and_a_file_show_no_differences(make_inspector, tmp_path):
    h = _two_sessions(make_inspector, tmp_path, BASELINE, BASELINE)
    dlg = _open(h)
    assert dlg.comparison is not None and dlg.comparison.identical
    assert "No differences" in dlg.summary.text()
    assert {v[2] for v in _shown(dlg).values()} == {"same"}
    # the live session against its own NDJSON export, through the file loader
    path = tmp_path / "export.ndjson"
    assert h.window.dialogs.export_ndjson(str(path)) == len(BASELINE)
    live = dlg.current.source
    dlg.set_sides(DiffSource.file(str(path)), live)
    h.wait_until(
        lambda: (
            not dlg.busy
            and dlg.comparison is not None
            and dlg.comparison.baseline.label == str(path)
        )
    )
    assert dlg.baseline.combo.currentText() == "file: export.ndjson"
    assert "No differences" in dlg.summary.text()
    # the live side is read again on Refresh: a new kind appears
    h.batch([{"type": "track", "userId": "u", "event": "Late Event", "context": CTX}])
    h.wait_until(lambda: h.rows == len(BASELINE) + 1)
    dlg.refresh()
    h.wait_until(
        lambda: not dlg.busy and dlg.comparison is not None and not dlg.comparison.identical
    )
    assert _shown(dlg)["Late Event"] == ("—", "1", "appeared")
    assert "0 regressions, 1 change" in dlg.summary.text()
    # an unreadable file is reported, not raised
    bad = tmp_path / "bad.ndjson"
    bad.write_text("not json\n")
    dlg.set_sides(DiffSource.file(str(bad)), live)
    h.wait_until(lambda: not dlg.busy and dlg.error)
    assert "Cannot compare" in dlg.summary.text() and dlg.model.rowCount() == 0
    dlg.close()


def test_compare_action_is_in_the_toolbar(inspector):
    h = inspector
    h.batch(BASELINE)
    h.wait_until(lambda: h.rows == len(BASELINE))
    h.window.toolbar.compare.trigger()
    dlg = h.window.dialogs.compare
    assert dlg is not None and dlg.isVisible()
    # only the live session holds events: it is never compared with itself
    assert dlg.baseline.source is None
    assert dlg.current.source is not None and "(live)" in dlg.current.combo.currentText()
    assert dlg.comparison is None and "Nothing to compare yet" in dlg.summary.text()
    assert h.window.dialogs.open_compare() is dlg  # one window, refreshed
    # picking the live session on both sides says so instead of "no differences"
    dlg.baseline.select(dlg.current.source)
    assert dlg.comparison is None and "Baseline and current are both" in dlg.summary.text()
    dlg.close()


def test_an_amount_that_changes_type_is_a_regression_in_compare(make_inspector, tmp_path):
    def orders(revenues):
        return [
            {
                "type": "track",
                "userId": "u",
                "event": "Order Completed",
                "properties": {"revenue": r, "currency": "EUR"},
                "context": CTX,
            }
            for r in revenues
        ]

    h = _two_sessions(make_inspector, tmp_path, orders([9.99, "9.99"]), orders(["9.99", "5"]))
    dlg = _open(h)
    assert _shown(dlg)["Order Completed"][2] == "regression"  # number|string -> string
    pm = dlg.props_model
    dlg.kinds.selectRow(0)
    row = pm.paths.index("revenue")
    assert pm.index(row, 0).data(STATUS_ROLE) == "regression"
    assert pm.index(row, 3).data() == "type changed"
    dlg.close()
