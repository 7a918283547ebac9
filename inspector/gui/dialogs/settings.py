"""Settings dialog: the values in effect (port, listen address, data directory — whether they
come from the saved settings or the command line), theme, and the line to paste into a coding
agent's MCP settings (``event-inspector mcp``). Loopback warnings included.

What the command line set is shown as in effect and labelled so. Only what the user changes
here is saved (the saved value stays otherwise).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication
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

FLAGS = {"port": "--port", "host": "--host", "data_dir": "--data-dir"}


def split_list(text: str) -> list[str]:
    """``a, b c`` → ``["a", "b", "c"]`` (commas or spaces), duplicates dropped."""
    return list(dict.fromkeys(t for t in text.replace(",", " ").split() if t))


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: AppSettings,
        parent: QWidget | None = None,
        effective: dict[str, Any] | None = None,
        given: set[str] | None = None,
        agent: tuple[str, str] | None = None,
    ) -> None:
        """``agent``: the MCP config lines of this collector (agents, VS Code) to show."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        eff = {"host": settings.host, "port": settings.port, "data_dir": settings.data_dir}
        eff.update(effective or {})
        self.effective = eff
        self.given = set(given or ())
        self._base = settings
        self.port = QSpinBox(self)
        self.port.setRange(0, 65535)
        self.port.setValue(int(str(eff["port"])))
        self.port.setSpecialValueText("any free port")
        self.host = QLineEdit(str(eff["host"]), self)
        self.warning = QLabel(self)
        self.warning.setObjectName("hostWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#b35c00")
        self.data_dir = QLineEdit(str(eff["data_dir"] or ""), self)
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
        self.allow_origins = QLineEdit(", ".join(settings.allow_origins), self)
        self.allow_origins.setObjectName("allowOrigins")
        self.allow_origins.setPlaceholderText("e.g. https://app.test:3000 (localhost always may)")
        self.allow_origins.setToolTip(
            "Web pages on these origins may read and change captured data through /api "
            "(--allow-origin). Pages on localhost or 127.0.0.1 always may; others never."
        )
        self.origin_warning = QLabel(self)
        self.origin_warning.setObjectName("originWarning")
        self.origin_warning.setWordWrap(True)
        self.origin_warning.setStyleSheet("color:#b35c00")
        self.allow_hosts = QLineEdit(", ".join(settings.allow_hosts), self)
        self.allow_hosts.setObjectName("allowHosts")
        self.allow_hosts.setPlaceholderText(
            "e.g. inspector.test (loopback and this machine's addresses always)"
        )
        self.allow_hosts.setToolTip(
            "Requests may address the collector by these names (--allow-host): a dev proxy, an "
            "/etc/hosts alias, a tunnel. Other names are refused (DNS rebinding)."
        )
        self.origin = QLabel(self)
        self.origin.setObjectName("settingsOrigin")
        self.origin.setWordWrap(True)
        self.origin.setText(self._origin_text())
        self.origin.setVisible(bool(self.given))
        form = QFormLayout()
        form.addRow("Port", self.port)
        form.addRow("Listen address", self.host)
        form.addRow("", self.warning)
        form.addRow("Data directory", dd)
        form.addRow("Theme", self.theme)
        form.addRow("Allowed origins", self.allow_origins)
        form.addRow("", self.origin_warning)
        form.addRow("Allowed hosts", self.allow_hosts)
        if agent is not None:
            form.addRow("Coding agent (MCP)", self._agent_row(*agent))
        note = QLabel(
            "<span style='color:gray'>These are the values in effect now. Port and address "
            "changes restart the collector; a new data directory applies at the next start."
            "</span>"
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.origin)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        # a set minimum width stops the layout's own: make room for the agent's line
        self.setMinimumWidth(max(self.minimumWidth(), lay.totalMinimumSize().width()))
        self.host.textChanged.connect(self._check_host)
        self._check_host(self.host.text())
        self.allow_origins.textChanged.connect(self._check_origins)
        self._check_origins(self.allow_origins.text())

    def _origin_text(self) -> str:
        saved = {"host": self._base.host, "port": self._base.port, "data_dir": self._base.data_dir}
        parts = []
        for key in ("port", "host", "data_dir"):
            if key in self.given:
                was = saved[key] if saved[key] not in (None, "") else "the default"
                parts.append(f"{FLAGS[key]} {self.effective[key]} (saved setting: {was})")
        return (
            "<span style='color:#2f6fc9'>Given on the command line for this run: "
            + "; ".join(parts)
            + ". Kept as your settings only if you change them here.</span>"
        )

    def _agent_row(self, line: str, vscode: str) -> QWidget:
        box = QWidget(self)
        self.agent_line = QLineEdit(line, box)
        self.agent_line.setObjectName("mcpConfig")
        self.agent_line.setReadOnly(True)
        self.agent_line.setCursorPosition(0)
        self.agent_line.setToolTip(line)
        copy = QPushButton("Copy", box)
        copy.setObjectName("copyMcpConfig")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(line))
        copy_vs = QPushButton("Copy for VS Code", box)
        copy_vs.setObjectName("copyMcpConfigVsCode")
        copy_vs.clicked.connect(lambda: QGuiApplication.clipboard().setText(vscode))
        hint = QLabel(
            "<span style='color:gray'>Paste into the agent's MCP settings (Claude Desktop, "
            "Cursor, Claude Code's .mcp.json; VS Code's .vscode/mcp.json) so it can query "
            "what this inspector captured.</span>",
            box,
        )
        hint.setWordWrap(True)
        # wide enough to read the command and URL the line names
        fm = self.agent_line.fontMetrics()
        self.agent_line.setMinimumWidth(
            min(fm.horizontalAdvance(line) + 12, fm.averageCharWidth() * 100)
        )
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(copy)
        buttons.addWidget(copy_vs)
        buttons.addStretch(1)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.agent_line)
        lay.addLayout(buttons)
        lay.addWidget(hint)
        return box

    def _check_host(self, text: str) -> None:
        h = text.strip()
        if h and not is_loopback(h):
            self.warning.setText(
                f"⚠ {h} is not a loopback address: other machines on your "
                "network will be able to send events to this inspector; reading them "
                "through /api then needs the API token the window shows."
            )
            self.warning.show()
        else:
            self.warning.setText("")
            self.warning.hide()

    def _check_origins(self, text: str) -> None:
        """An entry no page's ``Origin`` can match (``app.test:3000``) is said at once."""
        from inspector.collector.origins import origin_problem

        problems = [p for p in map(origin_problem, split_list(text)) if p]
        self.origin_warning.setText(f"⚠ {problems[0]}; it allows no page." if problems else "")
        self.origin_warning.setVisible(bool(problems))

    def _browse(self) -> None:
        from inspector import paths

        start = self.data_dir.text().strip() or str(paths.data_dir(None))
        d = QFileDialog.getExistingDirectory(self, "Data directory", start)
        if d:
            self.data_dir.setText(d)

    def chosen(self) -> dict[str, Any]:
        """What the fields say: the values to run with."""
        return {
            "port": self.port.value(),
            "host": self.host.text().strip() or "127.0.0.1",
            "data_dir": self.data_dir.text().strip() or None,
        }

    def result_settings(self) -> AppSettings:
        """The settings to save: what was changed here. A field left as it is in effect keeps
        the saved value (a port or directory the command line set is not saved unasked, and
        neither is the port a "0" found)."""
        update: dict[str, Any] = {
            "theme": self.theme.currentData(),
            "allow_origins": split_list(self.allow_origins.text()),
            "allow_hosts": split_list(self.allow_hosts.text()),
        }
        eff = {**self.effective, "data_dir": self.effective["data_dir"] or None}
        for key, value in self.chosen().items():
            if value != eff[key]:
                update[key] = value
        return self._base.model_copy(update=update)
