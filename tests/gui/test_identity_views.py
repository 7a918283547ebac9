"""People: a zoomable identity graph whose edges never cross a box and whose labels never
collide, groups of many anonymous ids, a timeline with sticky labels and a real time axis,
explained warnings, a replay that names each step, and People's own selection in the detail."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from inspector.gui.graph_routes import intersects, sample_path
from tests.gui.conftest import session_messages

TAB_EVENTS, TAB_PEOPLE = 0, 2


def _iso(minute: int, second: int = 0) -> str:
    return f"2026-03-02T10:{minute:02d}:{second:02d}.000Z"


def big_person() -> list[dict[str, Any]]:
    """user_8841 with 30 anonymous ids over 30 minutes, a redundant alias beside an identify
    (two edges between the same ids), and an anonymous id that another user claims."""
    msgs: list[dict[str, Any]] = []
    for k in range(30):
        aid = f"anon-{k:02d}"
        msgs.append({"type": "page", "anonymousId": aid, "name": "Home", "timestamp": _iso(k)})
        msgs.append(
            {"type": "identify", "anonymousId": aid, "userId": "user_8841", "timestamp": _iso(k, 5)}
        )
    msgs.append(
        {"type": "alias", "previousId": "anon-03", "userId": "user_8841", "timestamp": _iso(31)}
    )
    msgs.append(
        {"type": "identify", "anonymousId": "anon-05", "userId": "user_2077", "timestamp": _iso(32)}
    )
    for i, m in enumerate(msgs):
        m["messageId"] = f"big-{i}"
    return msgs


def _send_spread(h, msgs):
    body = {"batch": msgs, "sentAt": _iso(40), "writeKey": "WK_TEST"}
    return h.post("/v1/batch", body)


def _crossings(view) -> list[str]:
    """Edges whose line passes through a box other than its two ends."""
    bad = []
    boxes = {k: n.node.rect for k, n in view.nodes.items()}
    for e in view.graph_layout.edges:
        for key, (x, y, w, hh) in boxes.items():
            if key in (e.a, e.b):
                continue
            inner = (x + 1, y + 1, w - 2, hh - 2)
            if any(
                inner[0] < px < inner[0] + inner[2] and inner[1] < py < inner[1] + inner[3]
                for px, py in sample_path(e.path, 60)
            ):
                bad.append(f"{e.a}->{e.b} through {key}")
    return bad


def _label_overlaps(view) -> list[str]:
    bad = []
    rects = [(e.label, e.label_rect) for e in view.graph_layout.edges]
    boxes = [n.node.rect for n in view.nodes.values()]
    for i, (a, ra) in enumerate(rects):
        bad += [f"{a} / {b}" for b, rb in rects[i + 1 :] if intersects(ra, rb)]
        bad += [f"{a} on a box" for rb in boxes if intersects(ra, rb)]
    return bad


def test_a_person_with_31_ids_is_readable_grouped_and_never_crossed(inspector, tmp_path):
    h = inspector
    assert _send_spread(h, big_person())[0] == 200
    h.wait_until(lambda: h.rows == 62)
    w = h.window
    w.resize(1600, 900)
    w.tabs.setCurrentIndex(TAB_PEOPLE)
    h.wait_until(lambda: w.people.model.row_of("user_8841") is not None)
    p = w.people
    p.select_person("user_8841")
    row = p.model.row_of("user_8841")
    assert p.model.index(row, 1).data() == "31"
    g = p.graph
    # 28 plain anonymous ids are one group box; the others are shown one by one
    groups = [n for n in g.nodes.values() if n.node.kind == "group"]
    assert len(groups) == 1 and len(groups[0].node.members) == 28
    assert {"user_8841", "anon-03", "anon-05", "user_2077"} <= set(g.nodes)
    assert g.zoom >= 0.7  # readable, not shrunk until nothing can be read
    assert not _crossings(g) and not _label_overlaps(g)
    # the identify and the redundant alias between anon-03 and user_8841 are drawn apart
    pair = [e for e in g.graph_layout.edges if {e.a, e.b} == {"anon-03", "user_8841"}]
    assert sorted(e.call for e in pair) == ["alias", "identify"]
    mid = [sample_path(e.path, 20)[10] for e in pair]
    assert abs(mid[0][1] - mid[1][1]) >= 4
    assert not intersects(pair[0].label_rect, pair[1].label_rect)
    # a click on the group shows every id; the graph stays uncrossed, labels apart
    grp = groups[0]
    assert (
        grp.node.owner == "user_8841" and grp.cursor().shape() == Qt.CursorShape.PointingHandCursor
    )
    g.toggle_group(grp.node.owner)
    assert len([k for k in g.nodes if k.startswith("anon-")]) == 30
    assert "toggle:user_8841" in g.nodes
    assert not _crossings(g) and not _label_overlaps(g)
    # … and in the exported PNG: no line inside any box's empty right half
    png = tmp_path / "graph.png"
    assert p.export_png(str(png))
    img = QImage(str(png))
    rect = g.scene().sceneRect()
    sx = img.width() / rect.width()
    white = QColor("white").rgb()
    for key, item in g.nodes.items():
        x, y, bw, bh = item.node.rect
        yy = int((y + bh - 5 - rect.y()) * sx)
        for xx in range(int((x + bw * 0.72 - rect.x()) * sx), int((x + bw - 5 - rect.x()) * sx), 3):
            assert img.pixel(xx, yy) == white, f"a line crosses the box of {key}"
    g.toggle_group("user_8841")
    assert "group:user_8841" in g.nodes


def test_the_graph_zooms_pans_fits_and_shows_1_to_1(inspector, qtbot):
    h = inspector
    _send_spread(h, big_person())
    h.wait_until(lambda: h.rows == 62)
    w = h.window
    w.resize(1600, 900)
    w.tabs.setCurrentIndex(TAB_PEOPLE)
    h.wait_until(lambda: w.people.model.row_of("user_8841") is not None)
    p = w.people
    p.select_person("user_8841")
    g = p.graph
    g.toggle_group("user_8841")  # 30 boxes: taller than the view
    before = g.zoom
    vp = g.viewport()
    pos = QPointF(vp.width() / 2, vp.height() / 2)
    ev = QWheelEvent(
        pos,
        vp.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(vp, ev)
    assert g.zoom > before * 1.3  # Ctrl+wheel zooms in
    assert p.zoom_label.text() == f"{g.zoom * 100:.0f}%"
    p.one_btn.click()
    assert abs(g.zoom - 1.0) < 1e-6
    sb = g.verticalScrollBar()
    assert sb.maximum() > 0
    start = sb.value()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=QPoint(40, 300))
    qtbot.mouseMove(vp, QPoint(40, 120))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(40, 120))
    assert sb.value() != start  # dragging pans
    p.fit_btn.click()
    shown = g.mapToScene(vp.rect()).boundingRect()
    scene = g.scene().sceneRect()
    assert shown.adjusted(-2, -2, 2, 2).contains(scene)  # Fit: everything in view
    g.setFocus()
    qtbot.keyClick(g, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert g.zoom > 0
    qtbot.keyClick(g, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert abs(g.zoom - 1.0) < 1e-6


def test_the_timeline_keeps_labels_and_axis_in_view_and_starts_over_per_person(inspector):
    h = inspector
    msgs = big_person()
    msgs += [
        {
            "type": "track",
            "userId": "user-9",
            "event": f"E{i}",
            "timestamp": _iso(i),
            "messageId": f"u9-{i}",
        }
        for i in range(3)
    ]
    _send_spread(h, msgs)
    h.wait_until(lambda: h.rows == len(msgs))
    w = h.window
    w.resize(1280, 800)
    w.tabs.setCurrentIndex(TAB_PEOPLE)
    h.wait_until(lambda: w.people.model.row_of("user_8841") is not None)
    p = w.people
    p.select_person("user_8841")
    p.views.setCurrentIndex(1)
    t = p.timeline
    # a real time axis: round times across the 32 minutes, not only the first and last
    assert len(t.ticks) >= 4
    times = [tt for tt, _ in t.ticks]
    gaps = {round(b - a, 3) for a, b in itertools.pairwise(times)}
    assert len(gaps) == 1  # evenly spaced round times
    xs = [x for _, x in t.ticks]
    assert xs == sorted(xs)
    hb, vb = t.horizontalScrollBar(), t.verticalScrollBar()
    assert hb.maximum() > 0 and vb.maximum() > 0
    hb.setValue(hb.maximum())
    vb.setValue(vb.maximum() // 2)
    left_top = t.mapToScene(0, 0)
    assert abs(t.lane_labels.pos().x() - left_top.x()) < 1  # labels stay at the left
    assert abs(t.axis.pos().y() - left_top.y()) < 1  # the axis stays at the top
    # the legend says what the lines mean
    legend = p.legend.text()
    assert "dotted grey" in legend and "redundant" in legend and "blocked" in legend
    assert "dashed = not merged" not in legend
    # another person starts at the beginning
    p.select_person("user-9")
    assert hb.value() == 0 and vb.value() == 0
    p.select_person("user_8841")
    assert hb.value() == 0


def test_warnings_are_explained_in_the_window(inspector):
    h = inspector
    _send_spread(h, big_person())
    h.wait_until(lambda: h.rows == 62)
    w = h.window
    w.tabs.setCurrentIndex(TAB_PEOPLE)
    h.wait_until(lambda: w.people.model.row_of("user_8841") is not None)
    p = w.people
    row = p.model.row_of("user_8841")
    cell = p.model.index(row, 5)
    assert cell.data().startswith("⚠ ")
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "W067" in tip and "Segment Unify limit of 5 anonymousIds" in tip
    p.select_person("user_8841")
    p.table.clicked.emit(cell)
    assert p.views.currentWidget() is p.warnings
    text = p.warnings.toPlainText()
    assert "W067" in text and "Identity cluster exceeds a vendor limit" in text
    assert "What to do:" in text and "reset()" in text
    assert p.views.tabText(2).startswith("Warnings (")


def test_replay_shows_the_person_at_step_0_and_names_each_step(inspector):
    h = inspector
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    w = h.window
    w.tabs.setCurrentIndex(TAB_PEOPLE)
    h.wait_until(lambda: w.people.model.rowCount() >= 1)
    p = w.people
    p.table.selectRow(0)
    p.slider.setValue(0)
    g = p.graph
    assert set(g.nodes) == {"user-42", "anon-1", "anon-2"}  # the person, not "select a person"
    assert all(item.opacity() < 0.5 for item in g.nodes.values())
    assert not g.edges
    assert "Step 0 of 7" in p.step_label.text()
    p.slider.setValue(2)  # identify joins anon-1 and user-42
    label = p.step_label.text()
    assert label.startswith("Step 2 of 7: identify") and "userId user-42" in label
    assert "anonymousId anon-1" in label and "event #" in label
    assert g.nodes["anon-1"].pen().color().name() == "#e67e22"  # the step's ids stand out
    assert p.timeline.data  # the timeline marks the same step
    # the detail pane shows People's selection: the step's event
    assert w.detail.shown_event is not None and w.detail.shown_event.type == "identify"


def test_people_has_its_own_selection_in_the_detail_pane(inspector):
    h = inspector
    h.batch(session_messages(n_track=1))
    h.wait_until(lambda: h.rows == 7)
    w = h.window
    w.table.select_row(2)  # a track in the Events tab
    assert w.detail.shown_event.type == "track"
    w.tabs.setCurrentIndex(TAB_PEOPLE)
    h.wait_until(lambda: w.people.model.rowCount() >= 1)
    assert w.detail.shown_event is None  # not the Events tab's event
    assert "timeline" in w.detail.header.text()
    p = w.people
    p.table.selectRow(0)
    mark = next(m for m in p.timeline.marks if m.mark["type"] == "page")
    p.timeline.eventSelected.emit(int(mark.mark["eventId"]))
    assert w.detail.shown_event is not None and w.detail.shown_event.type == "page"
    assert w.tabs.currentIndex() == TAB_PEOPLE  # a click shows it here; no jump
    w.tabs.setCurrentIndex(TAB_EVENTS)
    assert w.detail.shown_event.type == "track"  # the table's selection again
