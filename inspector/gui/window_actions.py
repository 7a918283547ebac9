"""The main window's actions that open something: NDJSON export, the faults, settings and
compare dialogs (a mixin of :class:`inspector.gui.window.MainWindow`)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from inspector.gui.settings import AppSettings, save_settings

log = logging.getLogger(__name__)


class WindowActions:
    """Needs ``service``, ``controller``, ``feed``, ``settings``, ``config_dir``, ``spawn``."""

    service: Any
    controller: Any
    feed: Any
    settings: AppSettings
    config_dir: Any
    spawn: Any

    # -- export ---------------------------------------------------------------------------
    def export_ndjson(self, path: str) -> int:
        where, params = "", []
        if self.feed.query is not None:
            try:
                where, params = self.feed.query.to_sql(self.feed.ctx)
            except NotImplementedError:
                where, params = "", []
        n = 0
        with open(path, "w", encoding="utf-8") as fh:
            for line in self.service.store.iter_messages_json(
                self.feed.session.id, where, list(params)
            ):
                fh.write(line + "\n")
                n += 1
        self.statusBar().showMessage(  # type: ignore[attr-defined]
            f"Exported {n:,} events to {path}", 8000
        )
        return n

    def _export_dialog(self) -> None:
        name = f"{self.feed.session.name}.ndjson".replace(":", "-").replace(" ", "_")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export events as NDJSON", name, "NDJSON (*.ndjson *.jsonl);;All files (*)"
        )
        if path:
            self.export_ndjson(path)

    # -- dialogs --------------------------------------------------------------------------
    def open_faults(self) -> Any:
        from inspector.gui.dialogs.faults import FaultsDialog

        dlg = FaultsDialog(self.service.faults, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def open_settings(self) -> Any:
        from inspector.gui.dialogs.settings import SettingsDialog

        dlg = SettingsDialog(self.settings, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.apply_settings(dlg.result_settings()))
        dlg.show()
        return dlg

    def apply_settings(self, new: AppSettings) -> None:
        old = self.settings
        self.settings = new
        self._save_settings()
        from inspector.gui.main import apply_theme

        apply_theme(new.theme)
        if (new.host, new.port) != (old.host, old.port) or not self.controller.running:
            self.spawn(self.controller.restart(host=new.host, port=new.port))

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
            dlg.refresh()
        else:
            dlg = self._compare = CompareWindow(self.service.store, self.service.session.id, self)  # type: ignore[arg-type]
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dlg.destroyed.connect(lambda *_: setattr(self, "_compare", None))
        dlg.show()
        dlg.raise_()
        return dlg
