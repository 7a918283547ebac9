"""A HAR file dropped on the window: its tracking calls go into the live session through the
collector's ingest path (as ``event-inspector import FILE.har`` does into a new session)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent


def har_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() == ".har"]


class HarDrop(QObject):
    """An event filter on the window that takes dropped ``*.har`` files."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.last: str = ""  # the last import's summary (or error)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, (QDragEnterEvent, QDropEvent))
            if har_paths(event):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = har_paths(event)
            if paths:
                event.acceptProposedAction()
                for p in paths:
                    self.window.spawn(self.import_file(p))
                return True
        return False

    async def import_file(self, path: Path) -> str:
        from inspector.collector.har_ingest import ingest_har
        from inspector.domain.har_import import HarError, read_har

        try:
            read = read_har(path)
        except HarError as exc:
            self.last = str(exc)
            self.window.banner.show_message("error", html.escape(self.last))
            return self.last
        done = await ingest_har(self.window.service, read)
        self.last = done.summary(path.name, self.window.service.session.name)
        self.window.banner.show_message("info", html.escape(self.last))
        return self.last
