"""``event-inspector`` with no command: the window, with the collector on the qasync loop."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from inspector import paths
from inspector.gui.settings import AppSettings, load_settings
from inspector.gui.theme import apply_theme

__all__ = ["apply_theme", "build_window", "make_qapp", "run_gui", "show_and_start", "shutdown"]

APP_NAME = "Event Inspector"
WINDOW_WAIT_STORED = 5.0  # seconds an answer may wait for its events to be in the table


def make_qapp(argv: list[str] | None = None) -> QApplication:
    found = QApplication.instance()
    app = found if isinstance(found, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setApplicationName("event-inspector")
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("event-inspector")
    app.setDesktopFileName("event-inspector")
    if os.environ.get("QT_STYLE_OVERRIDE") is None:
        app.setStyle("Fusion")
    from inspector.gui.resources import app_icon

    app.setWindowIcon(app_icon())
    return app


def build_window(
    args: Any,
    settings: AppSettings | None = None,
    config_dir: Path | None = None,
    announce: bool = False,
) -> Any:
    """Store, collector service, controller and window, as ``run_gui`` builds them."""
    from inspector.collector.service import CollectorService
    from inspector.domain.faults import parse_fault_spec
    from inspector.domain.store import Store
    from inspector.gui.controller import CollectorController
    from inspector.gui.window import MainWindow

    settings = settings or load_settings(config_dir)
    given = getattr(args, "given", None)
    if given is None:  # not from the command line's parser: what is passed counts as given
        given = {k for k in ("host", "port", "data_dir") if getattr(args, k, None) is not None}
    host = args.host if "host" in given else settings.host
    port = args.port if "port" in given else settings.port
    data_dir = args.data_dir if "data_dir" in given else settings.data_dir
    store = Store(paths.data_dir(data_dir))
    session = store.open_session(getattr(args, "session", None))
    from inspector.gui.qa_panels import activate_remembered_plan

    activate_remembered_plan(config_dir, store.data_dir)  # before the lint workers start
    service = CollectorService(
        store,
        session,
        lint=not getattr(args, "no_lint", False),
        # lint + SQLite on the second core (tests may keep a thread)
        writer_process=getattr(args, "writer_process", True),
        # answers wait for their events here: a separate lint stage
        # would add a hop to each wait (benchmarks/gui_ingest.py)
        lint_stage=False,
        forward=getattr(args, "forward", None) or settings.forward_url,
    )
    # a live view must not lag its clients: each answer waits until the request's events are
    # stored, within a bound (serve answers at once: its queries wait for the store anyway)
    service.writer.wait_stored = WINDOW_WAIT_STORED
    for spec in getattr(args, "fault", None) or []:
        service.faults.add(parse_fault_spec(spec))
    controller = CollectorController(
        service,
        host,
        port,
        getattr(args, "token", None),
        announce=announce,
        allow_origins=tuple(getattr(args, "allow_origin", None) or ()),
        allow_hosts=tuple(getattr(args, "allow_host", None) or ()),
        lan=bool(getattr(args, "lan", False)),
    )
    controller.set_allowed(tuple(settings.allow_origins), tuple(settings.allow_hosts))
    window = MainWindow(service, controller, settings, config_dir)
    window.prefs.cli_given = set(given)  # the Settings dialog says which values these are
    controller.setParent(window)
    return window


async def shutdown(window: Any) -> None:
    await window.controller.stop()
    # a session exists once it holds something
    window.sessions.drop_if_empty(window.service.session.id)
    window.service.store.close()


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl+C / SIGTERM close the window cleanly (Qt alone would ignore or die)."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.closeAllWindows())
    beat = QTimer(app)  # let the interpreter run signal handlers while Qt waits
    beat.start(250)
    beat.timeout.connect(lambda: None)


def show_and_start(app: QApplication, loop: Any, window: Any) -> None:
    """Show the window, paint it (a resumed session's rows included), then start its
    collector on the loop: the window is there before the server is."""
    window.show()
    app.processEvents()
    loop.run_until_complete(window.controller.start())


def run_gui(args: Any) -> int:
    import qasync

    from inspector.gui.dialogs.error import ExceptionHandler, setup_logging

    app = make_qapp()
    log_path = setup_logging()
    settings = load_settings()
    apply_theme(settings.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    handler = ExceptionHandler(log_path)
    handler.install(loop)
    window = build_window(args, settings, announce=True)
    show_and_start(app, loop, window)
    if not window.controller.running and window.controller.error:
        print(f"error: {window.controller.error}", file=sys.stderr)
    app.setQuitOnLastWindowClosed(True)
    _quit_on_signals(app)
    try:
        loop.run_forever()
    finally:
        loop.run_until_complete(shutdown(window))
        handler.uninstall()
        loop.close()
    return 0
