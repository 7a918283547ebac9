"""Where file dialogs open: the folder last used for the same kind of file (export, compare,
people), else the user's Downloads or Documents folder — never the process's working dir."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def default_dir() -> str:
    for loc in (
        QStandardPaths.StandardLocation.DownloadLocation,
        QStandardPaths.StandardLocation.DocumentsLocation,
    ):
        d = QStandardPaths.writableLocation(loc)
        if d and os.path.isdir(d):
            return d
    return str(Path.home())


class DialogDirs:
    """Remembered folders per kind of file dialog, kept in ``store`` (the settings' dict)."""

    def __init__(
        self, store: dict[str, str] | None = None, save: Callable[[], None] | None = None
    ) -> None:
        self.store = store if store is not None else {}
        self._save = save

    def get(self, kind: str) -> str:
        d = self.store.get(kind)
        return d if d and os.path.isdir(d) else default_dir()

    def remember(self, kind: str, path: str) -> None:
        d = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        if d and self.store.get(kind) != d:
            self.store[kind] = d
            if self._save is not None:
                self._save()

    def save_file(
        self, parent: QWidget, kind: str, title: str, filename: str, filters: str
    ) -> tuple[str, str]:
        path, chosen = QFileDialog.getSaveFileName(
            parent, title, os.path.join(self.get(kind), filename), filters
        )
        if path:
            self.remember(kind, path)
        return path, chosen

    def open_file(self, parent: QWidget, kind: str, title: str, filters: str) -> str:
        path, _ = QFileDialog.getOpenFileName(parent, title, self.get(kind), filters)
        if path:
            self.remember(kind, path)
        return path
