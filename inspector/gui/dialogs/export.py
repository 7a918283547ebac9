"""Export as NDJSON: says which events go (all of the session, or those the filter shows) and
lets the user choose, with the file in a remembered folder."""

from __future__ import annotations

import html
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector.gui.dialog_dirs import DialogDirs
from inspector.gui.text import plural

NDJSON_FILTER = "NDJSON (*.ndjson *.jsonl);;All files (*)"


def file_name_for(session_name: str) -> str:
    return f"{session_name}.ndjson".replace(":", "-").replace(" ", "_").replace("/", "-")


class ExportDialog(QDialog):
    def __init__(
        self,
        session_name: str,
        total: int,
        shown: int | None,
        query_text: str,
        dirs: DialogDirs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export events as NDJSON")
        self.dirs = dirs
        intro = QLabel(
            f"Export from the session <b>{html.escape(session_name)}</b>, one message a line "
            "(what jq and DuckDB read).",
            self,
        )
        intro.setWordWrap(True)
        self.all = QRadioButton(f"All {plural(total, 'event')} of the session", self)
        self.all.setObjectName("exportAll")
        self.filtered = QRadioButton(self)
        self.filtered.setObjectName("exportFiltered")
        if query_text:
            what = (  # None: the filter's rows are still being found (it says no number)
                f"the {plural(shown, 'event')}" if shown is not None else "the events"
            )
            self.filtered.setText(f"Only {what} the current filter shows:  {query_text}")
            self.filtered.setChecked(True)
        else:
            self.filtered.setText("Only the events a filter shows (no filter is active)")
            self.filtered.setEnabled(False)
            self.all.setChecked(True)
        self.path = QLineEdit(os.path.join(dirs.get("export"), file_name_for(session_name)), self)
        self.path.setObjectName("exportPath")
        self.path.setMinimumWidth(420)
        browse = QPushButton("Browse…", self)
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(QLabel("File", self))
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.buttons = QDialogButtonBox(self)
        self.export_btn = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.path.textChanged.connect(lambda t: self.export_btn.setEnabled(bool(t.strip())))
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.all)
        lay.addWidget(self.filtered)
        lay.addSpacing(6)
        lay.addLayout(row)
        lay.addWidget(self.buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    @property
    def use_filter(self) -> bool:
        return self.filtered.isEnabled() and self.filtered.isChecked()

    def chosen_path(self) -> str:
        return os.path.expanduser(self.path.text().strip())

    def _browse(self) -> None:
        start = self.chosen_path() or file_name_for("events")
        path, _ = self.dirs.save_file(
            self, "export", "Export events as NDJSON", os.path.basename(start), NDJSON_FILTER
        )
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        if self.chosen_path():
            self.dirs.remember("export", self.chosen_path())
            self.accept()
