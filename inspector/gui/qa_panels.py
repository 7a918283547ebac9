"""QA in the window: the Flows and Coverage tabs, a QA menu (open a flow, save the selection
as a flow, load a tracking plan, the lint options in effect), lint steering from the lint
panel, and "only this device / write key / client" on a row's context menu.

Installed by the main window (``QaPanels(window)``); everything it needs from the window is
public there: ``service``, ``feed``, ``tabs``, ``table``, ``lint_panel``, ``filter_bar``,
``table_actions.reveal_event``, ``spawn``, ``identity_graph``, ``dirs``, ``config_dir``.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.capture import CapturedEvent
from inspector.domain.flows import FlowError, dump_flow
from inspector.domain.flows.record import flow_from_events, quote
from inspector.domain.flows.sources import FlowSource, session_source
from inspector.domain.lint import PlanError, load_plan
from inspector.domain.lint.coverage import counts_of_session
from inspector.domain.lint.profile import LintProfile, activate, current
from inspector.domain.secrets import mask_key
from inspector.gui.lint_steer import LintSteer, in_effect
from inspector.gui.qa_memory import QaMemory
from inspector.gui.widgets.coverage import CoveragePanel
from inspector.gui.widgets.flows import FlowsPanel
from inspector.gui.widgets.lint_panel import RULE_ROLE

log = logging.getLogger(__name__)
FLOW_FILTERS = "Flows (*.yaml *.yml *.json);;All files (*)"
PLAN_FILTERS = "Tracking plans (*.yaml *.yml *.json);;All files (*)"


def activate_remembered_plan(config_dir: Path | None, data_dir: Path) -> str | None:
    """Before the collector's workers start: the plan remembered for ``data_dir`` (if it
    still loads) becomes the lint profile's, so the workers lint with it."""
    plan = QaMemory.load(config_dir).plan_for(data_dir)
    if plan:
        try:
            load_plan(plan)
        except PlanError:
            plan = None
    activate(LintProfile(plan=plan))
    return plan


class QaPanels(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.w = window
        self.memory = QaMemory.load(window.config_dir)
        self.data_dir: Path = window.service.store.data_dir
        self.steer = LintSteer(Path.cwd(), self._lint_applied, self._say_error)
        self.flows = FlowsPanel(self.flow_source, window)
        self.flows.background = self._in_query_thread
        self.coverage = CoveragePanel(self.plan, self.counts, window)
        self.flows_tab = window.tabs.addTab(self.flows, "Flows")
        self.coverage_tab = window.tabs.addTab(self.coverage, "Coverage")
        self.flows.eventClicked.connect(window.table_actions.reveal_event)
        self.flows.openRequested.connect(self.open_flow_dialog)
        self.flows.saveSelectionRequested.connect(self.save_selection_dialog)
        self.flows.flowsChanged.connect(self._remember_flows)
        self.coverage.loadRequested.connect(self.load_plan_dialog)
        self.coverage.unloadRequested.connect(lambda: self.set_plan(None))
        window.tabs.currentChanged.connect(self._tab_changed)
        window.service.add_listener(self._arrived, wants=self._watching)
        self._menu()
        self._lint_panel()
        window.table.menu_hooks.append(self._row_menu)
        window.installEventFilter(self)
        for path in list(self.memory.flows):
            if Path(path).is_file():
                self.flows.add_path(path)

    # -- what the panels read -------------------------------------------------------------
    def flow_source(self) -> FlowSource:
        """The shown session, its people from its identity graph."""
        session = self.w.feed.session
        graph = self.w.identity_graph()
        return session_source(self.w.service.store, session.id, graph, replay=False)

    def plan(self) -> Any:
        """The tracking plan the collector lints with: the one loaded here, else the
        config's (``plan =`` in .event-inspector.toml)."""
        return current().load_plan(self.steer.config())

    def counts(self) -> list[Any]:
        return counts_of_session(self.w.service.store, self.w.feed.session.id)

    def _in_query_thread(self, work: Any, done: Any) -> None:
        """``work()`` in one of the collector's query threads, ``done(result)`` here after
        (None when it failed: the next arrival checks again)."""

        async def run() -> None:
            try:
                result = await self.w.service.queries.run(lambda _reader: work(), budget=None)
            except Exception:
                log.exception("checking the flows failed")
                result = None
            done(result)

        self.w.spawn(run())

    def _watching(self) -> bool:
        return bool(self.flows.flows) or self.coverage.isVisible()

    def _arrived(self, events: list[CapturedEvent], raw: Any) -> None:
        self.flows.schedule()
        self.coverage.schedule()

    def _tab_changed(self, index: int) -> None:
        if index == self.flows_tab:
            self.flows.refresh()
        elif index == self.coverage_tab:
            self.coverage.refresh()

    # -- flows ----------------------------------------------------------------------------
    def open_flow_dialog(self) -> None:
        path = self.w.dirs.open_file(self.w, "flows", "Open a flow", FLOW_FILTERS)
        if path:
            self.open_flow(path)

    def open_flow(self, path: str) -> str | None:
        error = self.flows.add_path(path)
        self.w.tabs.setCurrentIndex(self.flows_tab)
        if error:
            self._say_error(f"{Path(path).name}: {error}")
        return error

    def _remember_flows(self, paths: list[str]) -> None:
        self.memory.flows = paths
        self.memory.save()

    def selected_events(self) -> list[CapturedEvent]:
        get = self.w.service.store.get_event
        return [ev for ev in (get(i) for i in self.w.table.selected_ids()) if ev is not None]

    def save_selection(self, path: str, name: str) -> str | None:
        """The table's selected events as a flow file at ``path``, opened here; an error."""
        events = self.selected_events()
        if not events:
            return "select the events of the journey in the table first"
        try:
            flow = flow_from_events(name, events)
            Path(path).write_text(dump_flow(flow), encoding="utf-8")
        except (FlowError, OSError) as exc:
            return str(exc)
        return self.open_flow(path)

    def save_selection_dialog(self) -> None:
        if not self.w.table.selected_ids():
            self._say_error("Select the events of the journey in the table first.")
            return
        name, ok = QInputDialog.getText(self.w, "Save selection as flow", "Flow name:")
        if not ok or not name.strip():
            return
        path, _ = self.w.dirs.save_file(
            self.w, "flows", "Save the flow", f"{name.strip()}.yaml", FLOW_FILTERS
        )
        if path:
            error = self.save_selection(path, name.strip())
            if error:
                self._say_error(error)

    # -- tracking plan --------------------------------------------------------------------
    def load_plan_dialog(self) -> None:
        path = self.w.dirs.open_file(self.w, "plans", "Load a tracking plan", PLAN_FILTERS)
        if path:
            self.set_plan(path)

    def set_plan(self, path: str | None) -> str | None:
        """Lint with the plan at ``path`` from now on (None: without it), remembered for this
        data directory; the error when it cannot be read."""
        if path:
            try:
                load_plan(path)
            except PlanError as exc:
                self._say_error(str(exc))
                return str(exc)
            path = str(Path(path).resolve())
        activate(LintProfile(plan=path))
        self.memory.set_plan(self.data_dir, path)
        self._relint(f"Tracking plan {'loaded: ' + path if path else 'unloaded'}")
        self.coverage.refresh()
        return None

    # -- lint -----------------------------------------------------------------------------
    def _relint(self, message: str) -> None:
        """The linters are made again (from the profile and the config) for what comes next."""
        self.w.spawn(self.w.service.writer.reset_lint())
        self.w.shows.update_counts()
        self.w.statusBar().showMessage(f"{message}; new events are linted with it", 10000)

    def _lint_applied(self, path: Path) -> None:
        self._relint(f"Lint settings written to {path}")

    def _lint_panel(self) -> None:
        panel = self.w.lint_panel
        shown = panel.update_counts

        def update_counts(by_rule: dict[str, list[Any]], *args: Any) -> None:
            shown(self.steer.view(by_rule), *args)

        panel.update_counts = update_counts  # the panel shows the rules as configured
        panel.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        panel.view.customContextMenuRequested.connect(self._lint_menu)
        panel.view.setToolTip("Right-click: mute a rule, change its severity, policy rules")

    def lint_menu(self, rule: str | None) -> QMenu:
        return self.steer.menu(rule, self.w.lint_panel)

    def _lint_menu(self, pos: Any) -> None:
        view = self.w.lint_panel.view
        rule = view.indexAt(pos).data(RULE_ROLE)
        self.lint_menu(rule).exec(view.viewport().mapToGlobal(pos))

    def lint_lines(self) -> list[str]:
        return in_effect(
            self.steer.config(),
            self.steer.path if self.steer.path.exists() else None,
            current().plan,
        )

    def settings_box(self, parent: QWidget) -> QGroupBox:
        """The lint and plan options in effect, for the Settings dialog."""
        box = QGroupBox("Lint and tracking plan in effect", parent)
        box.setObjectName("lintInEffect")
        lay = QVBoxLayout(box)
        text = QLabel("<br>".join(self.lint_lines()), box)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(text)
        lay.addWidget(
            QLabel(
                "<span style='color:gray'>Change them from the lint panel "
                "(right-click) and the QA menu.</span>",
                box,
            )
        )
        return box

    def show_lint_settings(self) -> None:
        QMessageBox.information(
            self.w, "Lint and tracking plan in effect", "\n".join(self.lint_lines())
        )

    # -- the QA menu ----------------------------------------------------------------------
    def _menu(self) -> None:
        menu = self.w.menuBar().addMenu("&QA")
        menu.setObjectName("qaMenu")
        menu.addAction("Open flow…", self.open_flow_dialog)
        menu.addAction("Save selection as flow…", self.save_selection_dialog)
        menu.addSeparator()
        menu.addAction("Load tracking plan…", self.load_plan_dialog)
        menu.addAction("Unload tracking plan", lambda: self.set_plan(None))
        menu.addSeparator()
        menu.addAction("Lint settings in effect…", self.show_lint_settings)
        self.menu = menu

    # -- a row's context menu -------------------------------------------------------------
    def only_terms(self, ev: CapturedEvent) -> list[tuple[str, str]]:
        """("Only this device (…)", query) for the event's device, write key and client."""
        out = []
        ctx = ev.message.get("context")
        device = ctx.get("device") if isinstance(ctx, dict) else None
        dev_id = device.get("id") if isinstance(device, dict) else None
        if isinstance(dev_id, str) and dev_id:
            out.append((f"Only this device ({dev_id})", f"context.device.id:{quote(dev_id)}"))
        elif ev.anonymous_id:
            out.append(
                (f"Only this device ({ev.anonymous_id})", f"anonymousId:{quote(ev.anonymous_id)}")
            )
        if ev.source.write_key:
            key = ev.source.write_key
            out.append((f"Only this write key ({mask_key(key)})", f"writekey:{quote(key)}"))
        client = ev.source.client or ev.source.library
        if client:
            out.append((f"Only this client ({client})", f"lib:{quote(client)}"))
        return out

    def _row_menu(self, menu: QMenu, event_id: int) -> None:
        ev = self.w.service.store.get_event(event_id) if event_id else None
        if ev is None:
            return
        menu.addSeparator()
        for label, term in self.only_terms(ev):
            menu.addAction(label, partial(self.w.filter_bar.set_text, term))

    # -- helpers --------------------------------------------------------------------------
    def _say_error(self, message: str) -> None:
        self.w.statusBar().showMessage(message, 15000)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.w and event.type() == QEvent.Type.Close:
            self._window_closed()
        return False

    def _window_closed(self) -> None:
        self.w.service.remove_listener(self._arrived)
        activate(LintProfile())  # this window's plan does not outlive it
