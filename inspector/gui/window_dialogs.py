"""What the window's toolbar opens (:class:`WindowDialogs`, owned by the window): NDJSON export
of the shown session, the faults dialog and the Compare window (one at a time)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from inspector.collector.service import CollectorService
from inspector.domain.private_files import open_private
from inspector.gui.dialog_dirs import DialogDirs
from inspector.gui.feed import EventFeed
from inspector.gui.text import plural


class WindowDialogs:
    def __init__(
        self,
        service: CollectorService,
        feed: EventFeed,
        dirs: DialogDirs,
        *,
        parent: QWidget,
        say: Callable[[str, int], None],
    ) -> None:
        self.service, self.feed, self.dirs = service, feed, dirs
        self.parent, self.say = parent, say
        self.compare: Any = None  # the Compare window while it is open

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
        self.say(f"Exported {plural(n, 'event')} ({which}) to {path}", 10000)
        return n

    def export_dialog(self) -> Any:
        from inspector.gui.dialogs.export import ExportDialog

        f = self.feed
        dlg = ExportDialog(
            f.session.name,
            f.view.total,
            None if f.filtering or f.loading else f.model.rowCount(),
            f.query_text if f.query is not None else "",
            self.dirs,
            self.parent,
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self._export_chosen(dlg.chosen_path(), dlg.use_filter))
        dlg.open()
        return dlg

    def _export_chosen(self, path: str, use_filter: bool) -> None:
        try:
            self.export_ndjson(path, use_filter)
        except OSError as exc:
            self.say(f"Cannot export to {path}: {exc.strerror or exc}", 15000)

    # -- dialogs --------------------------------------------------------------------------
    def open_faults(self) -> Any:
        from inspector.gui.dialogs.faults import FaultsDialog

        dlg = FaultsDialog(self.service.faults, self.parent)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def open_compare(self) -> Any:
        """The Compare window (one at a time): a stored session or file against another."""
        from inspector.gui.dialogs.compare import CompareWindow

        dlg = self.compare
        if dlg is not None:
            dlg.live_id = self.service.session.id  # Clear may have started a new one
            dlg.refresh()
        else:
            dlg = self.compare = CompareWindow(
                self.service.store, self.service.session.id, self.parent, dirs=self.dirs
            )
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dlg.destroyed.connect(self._compare_closed)
        dlg.show()
        dlg.raise_()
        return dlg

    def _compare_closed(self, *_: Any) -> None:
        self.compare = None
