"""Filter bar, lint panel and People view against the live collector."""

from __future__ import annotations

from tests.gui.conftest import session_messages


def test_filter_bar_error_shows_a_message_and_never_crashes(inspector, qtbot):
    h = inspector
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    fb = h.window.filter_bar
    for bad in ("(type:track", 'event:"unclosed', "type:track or", ")", "a:/[/"):
        fb.set_text(bad)
        assert fb.error, bad
        assert fb.message.isVisible()
        assert fb.message.text().startswith("column ")
        assert fb.edit.error_column is not None
        fb.edit.repaint()  # the squiggle paints without error
        assert h.rows == 9  # the table keeps the last good filter (none)
    fb.set_text("type:track")
    assert fb.error is None and not fb.message.isVisible()
    assert h.rows == 4
    fb.set_text("")
    assert h.rows == 9


def test_filter_applies_to_new_rows_and_is_remembered(inspector):
    h = inspector
    h.window.filter_bar.set_text("userId:user-42")
    h.batch(session_messages())
    h.wait_until(lambda: len(h.window.feed.model.rows) == 9)
    h.flush()
    assert h.rows == 7  # identify, 3 tracks, screen, group, alias
    h.window.filter_bar.set_text('-event:"Order Completed"')
    assert h.rows == 6
    assert "userId:user-42" in h.window.settings.recent_filters
    from inspector.gui.settings import load_settings

    assert load_settings().recent_filters[0] == '-event:"Order Completed"'


def test_autocomplete_offers_fields_and_values_seen(inspector, qtbot):
    h = inspector
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    fb = h.window.filter_bar
    fb.edit.setFocus()
    qtbot.keyClicks(fb.edit, "use")
    cands = fb._completer_model.stringList()
    assert "userId:" in cands
    fb.edit.clear()
    qtbot.keyClicks(fb.edit, "event:Ord")
    cands = fb._completer_model.stringList()
    assert 'event:"Order Completed"' in cands
    fb._insert_completion('event:"Order Completed"')
    assert fb.text() == 'event:"Order Completed"'
    fb.completer.popup().hide()


def test_filter_to_value_and_exclude_from_the_detail_pane(inspector):
    h = inspector
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    h.window.table.select_row(2)
    tree = h.window.detail.tree
    props = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == "properties"
    )
    cur = next(
        props.child(i) for i in range(props.childCount()) if props.child(i).text(0) == "currency"
    )
    menu = tree.build_menu(cur)
    acts = {a.objectName(): a for a in menu.actions()}
    acts["filterTo"].trigger()
    assert h.window.filter_bar.text() == "properties.currency:EUR"
    assert h.rows == 3
    h.window.filter_bar.set_text("")
    h.window.table.select_row(2)
    tree = h.window.detail.tree
    uid = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == "userId"
    )
    {a.objectName(): a for a in tree.build_menu(uid).actions()}["exclude"].trigger()
    assert h.window.filter_bar.text() == "-userId:user-42"
    assert h.rows == 2  # the page and the track of the anonymous visitors
    menu.deleteLater()


def test_lint_panel_groups_by_rule_and_click_filters(inspector):
    h = inspector
    msgs = [
        *session_messages(n_track=2),
        {
            "type": "track",
            "userId": "user-42",
            "event": "order_completed",
            "properties": {"revenue": "12.50"},
        },
    ]
    h.batch(msgs)
    h.wait_until(lambda: h.rows == len(msgs))
    h.window.shows.tick()
    panel = h.window.lint_panel
    model = panel.model
    assert model.rowCount() > 0
    rules = [model.index(r, 0).data(model.rules and 256) for r in range(model.rowCount())]
    assert all(rules)
    row = 0
    rule = model.index(row, 0).data(256)
    count = int(model.index(row, 1).data().replace(",", ""))
    panel.view.clicked.emit(model.index(row, 0))
    assert h.window.filter_bar.text() == f"rule:{rule}"
    assert h.rows == count
    h.window.table.select_row(0)
    assert rule in h.window.detail.lint.toPlainText()


def test_people_view_shows_a_person_after_identify_and_alias(inspector):
    h = inspector
    h.batch(session_messages())
    h.wait_until(lambda: h.rows == 9)
    w = h.window
    w.tabs.setCurrentIndex(2)
    h.wait_until(lambda: w.people.model.rowCount() >= 1, what="a person")
    people = w.people
    canon = people.model.index(0, 0).data()
    assert canon == "user-42"
    assert people.model.index(0, 1).data() == "3"  # user-42, anon-1, anon-2
    people.table.selectRow(0)
    assert set(people.graph.nodes) == {"user-42", "anon-1", "anon-2"}
    assert len(people.graph.edges) >= 2
    lanes = people.timeline.data["lanes"]
    assert len(lanes) == 3
    assert people.timeline.merge_items  # identify and alias joined lanes
    # clicking a mark selects the event in the table
    mark = people.timeline.marks[0]
    people.timeline.eventClicked.emit(int(mark.mark["eventId"]))
    assert w.tabs.currentIndex() == 0
    assert w.detail.shown_event is not None and w.detail.shown_event.id == mark.mark["eventId"]


def test_people_replay_steps_through_merges(inspector, tmp_path):
    h = inspector
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    w = h.window
    w.tabs.setCurrentIndex(2)
    h.wait_until(lambda: w.people.model.rowCount() >= 1)
    p = w.people
    p.table.selectRow(0)
    n = p.slider.maximum()
    assert n == 7
    p.slider.setValue(1)  # page by anon-1 only
    assert set(p.graph.nodes) == {"anon-1"}
    p.slider.setValue(2)  # identify joins anon-1 and user-42
    assert set(p.graph.nodes) == {"anon-1", "user-42"}
    p.slider.setValue(n)
    assert set(p.graph.nodes) == {"anon-1", "user-42", "anon-2"}
    png = tmp_path / "g.png"
    assert p.export_png(str(png)) and png.stat().st_size > 1000
    js = tmp_path / "g.json"
    p.export_json(str(js))
    assert {png.stat().st_mode & 0o777, js.stat().st_mode & 0o777} == {0o600}
    import json

    data = json.loads(js.read_text())
    assert data["people"][0]["canonical"] == "user-42"


def test_blocked_edge_is_dashed_with_reason(inspector):
    h = inspector
    h.batch(
        [
            {"type": "identify", "anonymousId": "dev-1", "userId": "alice"},
            {"type": "identify", "anonymousId": "dev-1", "userId": "bob"},
        ]
    )
    h.wait_until(lambda: h.rows == 2)
    w = h.window
    w.tabs.setCurrentIndex(2)
    h.wait_until(lambda: w.people.model.rowCount() >= 1)
    for r in range(w.people.model.rowCount()):
        w.people.table.selectRow(r)
        blocked = [e for e in w.people.graph.edges if e.data(0) != "applied"]
        if blocked:
            from PySide6.QtCore import Qt

            assert blocked[0].pen().style() == Qt.PenStyle.DashLine
            assert blocked[0].toolTip()
            return
    raise AssertionError("no blocked edge drawn")
