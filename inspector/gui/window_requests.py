"""The Requests tab in the window: built, fed by the collector, and acting through it."""

from __future__ import annotations

from typing import Any

from inspector.domain.replay import Outgoing
from inspector.gui.widgets.requests_tab import RequestsTab

TITLE = "Requests"


def add_requests_tab(window: Any) -> RequestsTab:
    """Add the tab (last) to ``window.tabs`` and wire it: live requests from the collector,
    the shown session followed, events revealed in the Events tab, resends spawned."""
    tab = RequestsTab(window.service.store, window)
    window.tabs.addTab(tab, TITLE)
    window.service.add_listener(tab.on_capture)
    tab.spawn = window.spawn
    tab.eventClicked.connect(window.reveal_event)
    tab.detail.base_url = lambda: window.controller.url
    tab.detail.forward_url = lambda: forward_url(window)
    tab.detail.resendRequested.connect(lambda req, where: _resend(window, tab, req, where))
    tab.detail.editRequested.connect(lambda req: _edit(window, tab, req))
    tab.follow(lambda: window.feed.session.id)
    return tab


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
