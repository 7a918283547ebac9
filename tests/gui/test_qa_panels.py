"""The QA panels in the real window: flows that tick live per person, saving the selection as
a flow, a tracking plan and its coverage, lint steering written to .event-inspector.toml and
applied live, the Pretty tree's finding marks, "only this device / write key / client"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel

from inspector.domain.lint import profile
from inspector.gui.qa_memory import QaMemory
from inspector.gui.widgets.finding_marks import MARKED_ROLE
from inspector.gui.widgets.flows import EVENT_ROLE, KEY_ROLE
from inspector.gui.widgets.json_tree import PATH_ROLE

CHECKOUT = """\
name: Checkout
steps:
  - q: 'type:page name:Pricing'
  - q: 'type:track event:"Signed Up"'
  - q: type:identify
  - q: 'type:track event:"Order Completed" properties.revenue:>0'
"""
PLAN = """\
events:
  Order Completed:
    required: true
    properties:
      order_id: {type: string, required: true}
      revenue: number
  Signed Up:
    required: true
    properties: {}
identify:
  traits:
    email: {type: string, required: true}
"""
CTX = {"library": {"name": "analytics-python", "version": "2.4.0"}}


@pytest.fixture(autouse=True)
def _project(tmp_path, monkeypatch):
    """A project directory of its own (its .event-inspector.toml), no lint profile left."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(profile.ENV, raising=False)
    yield
    profile.deactivate()


def page(anon, name):
    return {"type": "page", "anonymousId": anon, "name": name, "context": CTX}


def track(who, event, **props):
    return {"type": "track", **who, "event": event, "properties": props, "context": CTX}


def items(tree):
    out = []
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        it = stack.pop(0)
        out.append(it)
        stack[0:0] = [it.child(i) for i in range(it.childCount())]
    return out


def steps_of(panel, person):
    for it in items(panel.tree):
        if it.data(0, KEY_ROLE) and it.data(0, KEY_ROLE).endswith("\0" + person):
            return [it.child(i) for i in range(it.childCount())]
    return []


def marks(steps):
    return [s.text(0)[0] for s in steps]


def test_a_flow_ticks_live_per_person_and_a_click_selects_the_event(inspector, tmp_path):
    h = inspector
    flow = tmp_path / "checkout.yaml"
    flow.write_text(CHECKOUT)
    qa = h.window.qa
    assert qa.open_flow(str(flow)) is None
    assert h.window.tabs.currentIndex() == qa.flows_tab
    panel = qa.flows
    top = panel.tree.topLevelItem(0)
    assert top.text(0) == "Checkout" and top.childCount() == 4  # nobody yet: the 4 steps
    h.batch([page("anon-1", "Pricing"), track({"anonymousId": "anon-1"}, "Signed Up")])
    h.wait_until(lambda: marks(steps_of(panel, "anon-1")) == ["✔", "✔", "○", "○"], what="2 ticks")
    h.batch([{"type": "identify", "userId": "user-1", "anonymousId": "anon-1", "context": CTX}])
    # identify merged the device into the user: the same person, now user-1
    h.wait_until(lambda: marks(steps_of(panel, "user-1")) == ["✔", "✔", "✔", "○"], what="3")
    h.batch([track({"userId": "user-2"}, "Order Completed", revenue=5)])  # someone else
    h.batch([track({"userId": "user-1"}, "Order Completed", revenue=9.99)])
    h.wait_until(lambda: panel.tree.topLevelItem(0).text(0) == "✔ Checkout", what="passed")
    top = panel.tree.topLevelItem(0)
    assert top.text(1) == "passed by user-1"
    people = [top.child(i).text(0) for i in range(top.childCount())]
    assert people == ["✔ user-1", "user-2"]  # best first
    assert marks(steps_of(panel, "user-2")) == ["○", "○", "○", "✔"]
    last = steps_of(panel, "user-1")[3]
    eid = last.data(1, EVENT_ROLE)
    assert last.text(1).startswith(f"#{eid} track 'Order Completed' · user-1")
    panel.tree.itemClicked.emit(last, 1)
    h.wait_until(lambda: h.window.table._current_id == eid, what="the event selected")
    assert h.window.detail.shown_event.id == eid
    assert QaMemory.load().flows == [str(flow.resolve())]  # remembered


def test_out_of_order_and_reopened_flows(make_inspector, tmp_path):
    flow = tmp_path / "checkout.yaml"
    flow.write_text(CHECKOUT)
    h = make_inspector()
    h.window.qa.open_flow(str(flow))
    h.batch(
        [
            track({"userId": "u"}, "Signed Up"),
            {**page("a", "Pricing"), "userId": "u"},
            {"type": "identify", "userId": "u"},
            track({"userId": "u"}, "Order Completed", revenue=1),
        ]
    )
    panel = h.window.qa.flows
    h.wait_until(lambda: marks(steps_of(panel, "u")) == ["✔", "↯", "✔", "✔"], what="ticks")
    assert steps_of(panel, "u")[1].text(1).startswith("too early: #")
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps: ['event:(x']\n")
    assert "column" in h.window.qa.open_flow(str(bad))
    assert "cannot be used" in panel.tree.topLevelItem(1).text(0)
    h2 = make_inspector()  # the flows opened are opened again
    assert [Path(p).name for p, _, _ in h2.window.qa.flows.flows] == ["checkout.yaml", "bad.yaml"]


def test_save_selection_as_flow(inspector, tmp_path):
    h = inspector
    h.batch(
        [
            page("a", "Pricing"),
            track({"anonymousId": "a"}, "Signed Up"),
            track({"anonymousId": "a"}, "Noise"),
            {"type": "identify", "userId": "u", "anonymousId": "a"},
        ]
    )
    h.wait_until(lambda: h.rows == 4)
    table = h.window.table
    sel = table.selectionModel()
    for row in (0, 1, 3):  # the golden path, without the noise
        sel.select(
            table.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    qa = h.window.qa
    path = tmp_path / "golden.yaml"
    assert qa.save_selection(str(path), "Golden") is None
    from inspector.domain.flows import load_flow

    flow = load_flow(path)
    assert flow.name == "Golden"
    assert [s.q for s in flow.steps] == [
        'type:page name:"Pricing"',
        'type:track event:"Signed Up"',
        "type:identify",
    ]
    assert qa.flows.tree.topLevelItem(0).text(0) == "✔ Golden"
    table.clearSelection()
    assert "select the events" in qa.save_selection(str(tmp_path / "x.yaml"), "X")


def test_plan_coverage_and_violations_live(inspector, tmp_path):
    h = inspector
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    qa = h.window.qa
    h.window.tabs.setCurrentIndex(qa.coverage_tab)
    assert "No tracking plan" in qa.coverage.summary.text()
    assert qa.set_plan(str(plan)) is None
    h.batch(
        [
            track({"userId": "u"}, "Order Completed", revenue=3),  # no order_id
            track({"userId": "u"}, "Cart Abandoned"),
            {"type": "identify", "userId": "u", "context": {**CTX, "traits": {"email": "a@b.co"}}},
        ]
    )
    h.wait_until(lambda: h.rows == 3)
    store, sid = h.window.service.store, h.window.feed.session.id
    evs = store.events(sid)
    assert ("E015", "properties.order_id") in {(f.rule, f.path) for f in evs[0].lint}
    assert "W028" in {f.rule for f in evs[1].lint}
    assert not {"E015", "E016"} & {f.rule for f in evs[2].lint}  # traits read from context
    qa.coverage.refresh()
    t = qa.coverage.table
    heads = [t.horizontalHeaderItem(c).text().replace("\n", "") for c in range(t.columnCount())]
    assert heads[:3] == ["Event", "Type", "Seen"] and "segment-analytics-python" in heads[3:]
    rows = {t.item(r, 0).text(): t.item(r, 2).text() for r in range(t.rowCount())}
    assert rows == {
        "Order Completed": "1",
        "Signed Up  — required, never seen": "·",
        "Cart Abandoned  — unplanned": "1",
    }
    assert "1 required: Signed Up" in qa.coverage.summary.text()
    assert QaMemory.load().plan_for(h.window.service.store.data_dir) == str(plan.resolve())
    qa.set_plan(None)
    h.batch([track({"userId": "u"}, "Order Completed", revenue=3)])
    h.wait_until(lambda: h.rows == 4)
    assert "E015" not in {f.rule for f in store.events(sid)[-1].lint}
    bad = tmp_path / "bad.yaml"
    bad.write_text("events: [")
    assert (
        qa.set_plan(str(bad)) is not None and "not valid" in h.window.statusBar().currentMessage()
    )


def test_lint_steering_is_written_and_applied_live(inspector, tmp_path):
    h = inspector
    qa = h.window.qa
    order = track({"userId": "u"}, "Order Completed", revenue=3)  # no order_id, no currency
    h.batch([order])
    h.wait_until(lambda: h.rows == 1)
    h.window.shows.update_counts()
    rules = lambda: [m[0] for m in h.window.lint_panel.model._rows]  # noqa: E731
    assert "I001" in rules() and "W025" not in rules()

    def act(menu, text):
        for a in menu.actions():
            if a.text().startswith(text):
                return a
            if a.menu() is not None:
                found = act(a.menu(), text)
                if found is not None:
                    return found
        return None

    act(qa.lint_menu("I001"), "Mute I001").trigger()
    toml = tmp_path / ".event-inspector.toml"
    assert 'disable = ["I001"]' in toml.read_text()
    assert "I001" not in rules()  # the panel shows the rules as configured, at once
    act(qa.lint_menu(None), "W025").trigger()  # a policy rule: order_id required
    act(qa.lint_menu("W026"), "error").trigger()
    h.run(h.window.service.writer.flush())
    h.batch([order])
    h.wait_until(lambda: h.rows == 2)
    last = h.window.service.store.events(h.window.feed.session.id)[-1]
    got = {f.rule: f.severity for f in last.lint}
    assert "I001" not in got and got["W025"] == "warning" and got["W026"] == "error"
    dlg = h.window.prefs.open_settings()
    box = dlg.findChild(type(qa.settings_box(dlg)), "lintInEffect")
    text = box.findChildren(type(h.window.statusBar().parent().findChild(type(box))) or object)
    labels = " ".join(
        w.text() for w in box.findChildren(__import__("PySide6.QtWidgets").QtWidgets.QLabel)
    )
    assert (
        str(toml) in labels and "I001" in labels and "W025" in labels and "W026 → error" in labels
    )
    dlg.close()
    del text


def test_pretty_tree_marks_the_field_of_each_finding(inspector):
    h = inspector
    h.batch([track({"userId": "u"}, "Order Completed", revenue="9.99", currency="EUR")])
    h.wait_until(lambda: h.rows == 1)
    h.window.table.select_row(0)
    h.wait_until(lambda: h.window.detail.shown_event is not None)
    tree = h.window.detail.tree
    marked = {
        it.data(0, PATH_ROLE): it.data(0, MARKED_ROLE)
        for it in items(tree)
        if it.data(0, MARKED_ROLE)
    }
    assert "W023" in marked["properties.revenue"]
    it = next(i for i in items(tree) if i.data(0, PATH_ROLE) == "properties.revenue")
    assert "W023" in it.toolTip(0) and it.background(0).color().alpha() > 0


def test_only_this_device_write_key_client(inspector):
    h = inspector
    h.batch(
        [
            {**page("anon-9", "Home"), "context": {**CTX, "device": {"id": "dev-1"}}},
            page("anon-8", "Home"),
        ]
    )
    h.wait_until(lambda: h.rows == 2)
    table = h.window.table
    rect = table.visualRect(table.model().index(0, 0))
    menu = table.build_menu(rect.center())
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels[1:] == [
        "Only this device (dev-1)",
        "Only this write key (W••••••T)",
        "Only this client (segment-analytics-python)",
    ]
    next(a for a in menu.actions() if a.text().startswith("Only this write key")).trigger()
    assert h.window.filter_bar.text() == 'writekey:"WK_TEST"' and h.rows == 2
    rect = table.visualRect(table.model().index(1, 0))
    menu = table.build_menu(rect.center())
    next(a for a in menu.actions() if a.text().startswith("Only this device")).trigger()
    assert h.window.filter_bar.text() == 'anonymousId:"anon-8"' and h.rows == 1
