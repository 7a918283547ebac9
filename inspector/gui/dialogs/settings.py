"""Settings dialog: port, listen address (warns when not loopback), data directory, theme."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector.collector.server import is_loopback
from inspector.gui.settings import AppSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.port = QSpinBox(self)
        self.port.setRange(0, 65535)
        self.port.setValue(settings.port)
        self.port.setSpecialValueText("any free port")
        self.host = QLineEdit(settings.host, self)
        self.warning = QLabel(self)
        self.warning.setObjectName("hostWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#b35c00")
        self.data_dir = QLineEdit(settings.data_dir or "", self)
        self.data_dir.setPlaceholderText("default (platform data directory)")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        dd = QHBoxLayout()
        dd.addWidget(self.data_dir, 1)
        dd.addWidget(browse)
        self.theme = QComboBox(self)
        for label, value in (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark")):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        form = QFormLayout()
        form.addRow("Port", self.port)
        form.addRow("Listen address", self.host)
        form.addRow("", self.warning)
        form.addRow("Data directory", dd)
        form.addRow("Theme", self.theme)
        note = QLabel(
            "<span style='color:gray'>Port and address changes restart the collector; "
            "a new data directory applies at the next start.</span>"
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.host.textChanged.connect(self._check_host)
        self._check_host(self.host.text())
        self._base = settings

    def _check_host(self, text: str) -> None:
        h = text.strip()
        if h and not is_loopback(h):
            self.warning.setText(
                f"⚠ {h} is not a loopback address: other machines on your "
                "network will be able to send events to (and read them from) "
                "this inspector."
            )
            self.warning.show()
        else:
            self.warning.setText("")
            self.warning.hide()

    def _browse(self) -> None:
        from inspector import paths

        start = self.data_dir.text().strip() or str(paths.data_dir(None))
        d = QFileDialog.getExistingDirectory(self, "Data directory", start)
        if d:
            self.data_dir.setText(d)

    def result_settings(self) -> AppSettings:
        return self._base.model_copy(
            update={
                "port": self.port.value(),
                "host": self.host.text().strip() or "127.0.0.1",
                "data_dir": self.data_dir.text().strip() or None,
                "theme": self.theme.currentData(),
            }
        )
