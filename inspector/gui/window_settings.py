"""The window's settings (:class:`SettingsActions`, owned by the window): the one current
:class:`AppSettings` and the file dialogs' remembered folders, saved where the window's config
lives; the Settings dialog, and what applying a change does (theme, allowed origins and hosts,
a restart on another address)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from inspector.collector.service import CollectorService
from inspector.gui.controller import CollectorController
from inspector.gui.dialog_dirs import DialogDirs
from inspector.gui.settings import AppSettings, save_settings
from inspector.gui.tasks import Tasks

log = logging.getLogger(__name__)


class SettingsActions:
    """The settings in force and the actions on them. ``settings`` is replaced (never mutated
    in place) when the dialog is accepted: read it here, not from a copy."""

    def __init__(
        self,
        settings: AppSettings,
        config_dir: Path | None,
        *,
        service: CollectorService,
        controller: CollectorController,
        tasks: Tasks,
        parent: QWidget,
        say: Callable[[str, int], None],
        theme_changed: Callable[[str], None],
    ) -> None:
        self.settings = settings
        self.config_dir = config_dir
        self.service, self.controller, self.tasks = service, controller, tasks
        self.dirs = DialogDirs(settings.dialog_dirs, self.save)  # remembered folders, saved
        self.parent, self.say, self.theme_changed = parent, say, theme_changed
        self.cli_given: set[str] = set()  # host/port/data_dir given on the command line
        # more options in the dialog (the QA panels' lint and plan box), added once they exist
        self.extra_box: Callable[[QWidget], QWidget] | None = None

    def save(self) -> None:
        try:
            save_settings(self.settings, self.config_dir)
        except OSError as exc:
            log.warning("cannot save settings: %s", exc)

    def remember_filter(self, text: str) -> list[str]:
        """Keep ``text`` first among the recent filters (saved); the list as it now is."""
        self.settings.remember_filter(text)
        self.save()
        return list(self.settings.recent_filters)

    def set_forward_url(self, url: str | None) -> None:
        """Forward from now on (saved with the settings)."""
        self.settings.forward_url = url
        self.save()
        self.tasks.spawn(self.service.set_forward(url))

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
            self.parent,
            self.effective_settings(),
            self.cli_given,
            agent=(agent_config(url, token), vscode_config(url, token)),
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.extra_box is not None:  # the lint and plan options in effect
            lay = cast(QVBoxLayout, dlg.layout())
            lay.insertWidget(lay.count() - 1, self.extra_box(dlg))
        dlg.accepted.connect(lambda: self.apply_settings(dlg.result_settings(), dlg.chosen()))
        dlg.show()
        return dlg

    def apply_settings(self, new: AppSettings, run: dict[str, Any] | None = None) -> None:
        """Save ``new``; run with ``run`` (host, port) — restart the collector if they differ
        from what it listens on."""
        old = self.settings
        self.settings = new
        self.dirs.store = new.dialog_dirs
        self.save()
        if new.theme != old.theme:
            self.theme_changed(new.theme)
        run = run or {"host": new.host, "port": new.port}
        c = self.controller
        c.set_allowed(tuple(new.allow_origins), tuple(new.allow_hosts))
        if (run["host"], run["port"]) != (c.host, c.port) or not c.running:
            self.tasks.spawn(c.restart(host=run["host"], port=run["port"]))

    def use_port(self, port: int) -> None:
        """The port-busy banner's offer: listen there, and keep it as the port from now on."""
        self.settings.port = port
        self.save()
        self.tasks.spawn(self.controller.restart(port=port))
        self.say(f"Listening on port {port} from now on (saved in Settings).", 10000)
