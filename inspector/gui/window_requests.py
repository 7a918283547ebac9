"""The Requests tab in the window: built, fed by the collector, and acting through it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from inspector.domain.replay import Outgoing
from inspector.gui.har_drop import HarDrop
from inspector.gui.widgets.requests_tab import RequestsTab

TITLE = "Requests"


def add_requests_tab(window: Any) -> RequestsTab:
    """Add the tab (last) to ``window.tabs`` and wire it: live requests from the collector,
    the shown session followed, resends spawned (the window reveals the events it names)."""
    tab = RequestsTab(window.service.store, window)
    window.tabs.addTab(tab, TITLE)
    window.service.add_listener(tab.on_capture)
    tab.spawn = window.spawn
    tab.detail.base_url = lambda: window.controller.url
    tab.detail.forward_url = lambda: forward_url(window)
    tab.detail.resendRequested.connect(lambda req, where: _resend(window, tab, req, where))
    tab.detail.editRequested.connect(lambda req: _edit(window, tab, req))
    tab.follow(lambda: window.feed.session.id)
    bar = tab.forward_bar
    bar.status = lambda: forward_status(window)
    bar.set_url(forward_url(window))
    bar.changed.connect(window.prefs.set_forward_url)  # saved with the settings
    tab.ticked.connect(lambda: _tick(window, tab))
    window.service.upstream_listeners.append(tab.update_upstream)
    window.har_drop = HarDrop(window)  # a HAR file dropped on the window is imported
    return tab


def forward_status(window: Any) -> str:
    fw = getattr(window.service, "forwarder", None)
    return fw.status_text() if fw is not None else ""


def status_label(window: Any) -> QLabel:
    """The forward state in the status bar (made on first use: the bar comes after tabs)."""
    label: QLabel | None = getattr(window, "forward_label", None)
    if label is None:
        label = window.forward_label = QLabel(window)
        label.setObjectName("status_forward")
        label.setContentsMargins(8, 0, 8, 0)
        # a few words (the URL is in the tooltip): the status bar must fit 1024 px
        window.status.addPermanentWidget(label)
    return label


def _tick(window: Any, tab: RequestsTab) -> None:
    fw = getattr(window.service, "forwarder", None)
    label = status_label(window)
    label.setText(fw.short_status() if fw is not None else "")
    label.setToolTip(fw.status_text() if fw is not None else "")
    label.setVisible(fw is not None)
    tab.forward_bar.refresh()


def forward_url(window: Any) -> str | None:
    fw = getattr(window.service, "forwarder", None)
    return fw.url if fw is not None else None


def _resend(window: Any, tab: RequestsTab, req: Outgoing, where: str) -> None:
    base = window.controller.url if where == "here" else forward_url(window)
    if base:
        tab.send(req, base)


def _edit(window: Any, tab: RequestsTab, req: Outgoing) -> None:
    from inspector.gui.dialogs.resend import EditResendDialog

    dlg = EditResendDialog(req, window.controller.url, forward_url(window), window)
    if dlg.exec():
        edited, base = dlg.edited()
        tab.send(edited, base)


def remove_requests_tab(window: Any, tab: RequestsTab) -> None:
    window.service.remove_listener(tab.on_capture)
    if tab.update_upstream in window.service.upstream_listeners:
        window.service.upstream_listeners.remove(tab.update_upstream)
    tab.stop()
