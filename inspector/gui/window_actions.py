"""The main window's actions that open something: NDJSON export, the faults, settings and
compare dialogs (a mixin of :class:`inspector.gui.window.MainWindow`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from inspector.domain.private_files import open_private
from inspector.gui.settings import AppSettings, save_settings
from inspector.gui.text import plural

if TYPE_CHECKING:
    from pathlib import Path

    from inspector.collector.service import CollectorService
    from inspector.gui.controller import CollectorController
    from inspector.gui.dialog_dirs import DialogDirs
    from inspector.gui.feed import EventFeed

log = logging.getLogger(__name__)


class WindowActions:
    """Needs ``service``, ``controller``, ``feed``, ``settings``, ``config_dir``, ``spawn``."""

    service: CollectorService
    controller: CollectorController
    feed: EventFeed
    settings: AppSettings
    config_dir: Path | None
    spawn: Callable[[Coroutine[Any, Any, Any]], asyncio.Task[Any]]
    dirs: DialogDirs
    theme_changed: Callable[[str], None]

    # -- export ---------------------------------------------------------------------------
    def export_ndjson(self, path: str, use_filter: bool = True) -> int:
        """Write the shown session's messages to ``path``: those the current filter shows
        (``use_filter``, when a filter is active) or all of them. Returns how many."""
        cq = self.feed.compiled  # the filter as shown, compiled by the one query door
        filtered = use_filter and cq is not None
        where, params = (cq.where, cq.params) if filtered and cq is not None else ("", ())
        n = 0
        with open_private(path) as fh:
            for line in self.service.store.iter_messages_json(self.feed.session.id, where, params):
                fh.write(line + "\n")
                n += 1
        which = f"matching {self.feed.query_text}" if filtered else "all of the session"
        self.statusBar().showMessage(  # type: ignore[attr-defined]
            f"Exported {plural(n, 'event')} ({which}) to {path}", 10000
        )
        return n

    def _export_dialog(self) -> Any:
        from inspector.gui.dialogs.export import ExportDialog

        f = self.feed
        dlg = ExportDialog(
            f.session.name,
            f.view.total,
            None if f.filtering or f.loading else f.model.rowCount(),
            f.query_text if f.query is not None else "",
            self.dirs,
            self,  # type: ignore[arg-type]
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self._export_chosen(dlg.chosen_path(), dlg.use_filter))
        dlg.open()
        return dlg

    def _export_chosen(self, path: str, use_filter: bool) -> None:
        try:
            self.export_ndjson(path, use_filter)
        except OSError as exc:
            self.statusBar().showMessage(  # type: ignore[attr-defined]
                f"Cannot export to {path}: {exc.strerror or exc}", 15000
            )

    # -- dialogs --------------------------------------------------------------------------
    def open_faults(self) -> Any:
        from inspector.gui.dialogs.faults import FaultsDialog

        dlg = FaultsDialog(self.service.faults, cast(QWidget, self))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def effective_settings(self) -> dict[str, Any]:
        """The values this window runs with (the bound port, once listening)."""
        c = self.controller
        return {"host": c.host, "port": c.port, "data_dir": str(self.service.store.data_dir)}

    def open_settings(self) -> Any:
        from inspector.gui.dialogs.settings import SettingsDialog
        from inspector.mcp.config import agent_config, vscode_config

        url, token = self.controller.url, self.controller.token
        dlg = SettingsDialog(
            self.settings,
            self,  # type: ignore[arg-type]
            self.effective_settings(),
            getattr(self, "cli_given", set()),
            agent=(agent_config(url, token), vscode_config(url, token)),
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        qa = getattr(self, "qa", None)
        if qa is not None:  # the lint and plan options in effect
            lay = cast(QVBoxLayout, dlg.layout())
            lay.insertWidget(lay.count() - 1, qa.settings_box(dlg))
        dlg.accepted.connect(lambda: self.apply_settings(dlg.result_settings(), dlg.chosen()))
        dlg.show()
        return dlg

    def apply_settings(self, new: AppSettings, run: dict[str, Any] | None = None) -> None:
        """Save ``new``; run with ``run`` (host, port) — restart the collector if they differ
        from what it listens on."""
        old = self.settings
        self.settings = new
        self.dirs.store = new.dialog_dirs
        self._save_settings()
        if new.theme != old.theme:
            self.theme_changed(new.theme)
        run = run or {"host": new.host, "port": new.port}
        c = self.controller
        c.set_allowed(tuple(new.allow_origins), tuple(new.allow_hosts))
        if (run["host"], run["port"]) != (c.host, c.port) or not c.running:
            self.spawn(c.restart(host=run["host"], port=run["port"]))

    def use_port(self, port: int) -> None:
        """The port-busy banner's offer: listen there, and keep it as the port from now on."""
        self.settings.port = port
        self._save_settings()
        self.spawn(self.controller.restart(port=port))
        self.statusBar().showMessage(  # type: ignore[attr-defined]
            f"Listening on port {port} from now on (saved in Settings).", 10000
        )

    def _save_settings(self) -> None:
        try:
            save_settings(self.settings, self.config_dir)
        except OSError as exc:
            log.warning("cannot save settings: %s", exc)

    def open_compare(self) -> Any:
        """The Compare window (one at a time): a stored session or file against another."""
        from inspector.gui.dialogs.compare import CompareWindow

        dlg = getattr(self, "_compare", None)
        if dlg is not None:
            dlg.live_id = self.service.session.id  # Clear may have started a new one
            dlg.refresh()
        else:
            dlg = self._compare = CompareWindow(
                self.service.store,
                self.service.session.id,
                self,  # type: ignore[arg-type]
                dirs=self.dirs,
            )
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dlg.destroyed.connect(lambda *_: setattr(self, "_compare", None))
        dlg.show()
        dlg.raise_()
        return dlg
