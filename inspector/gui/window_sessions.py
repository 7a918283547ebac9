"""Sessions in the window (:class:`SessionActions`, owned by the window).

* **Clear** (Ctrl+L) starts a new, empty live session: nothing is deleted, the previous
  session stays stored and listed in the picker.
* Stored events are deleted only after a confirmation that names the session and says how
  many events go (from the Clear button's menu, the picker's context menu, or the banner of
  a stored session).
* A session exists only once it holds something: the live session is dropped when the
  window closes (or Clear moves on) while it is still empty, and the picker lists no empty
  session besides the one shown.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from inspector.collector.service import CollectorService
from inspector.domain.store import default_session_name
from inspector.gui.dialogs.confirm import confirm_destructive
from inspector.gui.feed import EventFeed
from inspector.gui.tasks import Tasks
from inspector.gui.text import plural
from inspector.gui.widgets.banner import Banner
from inspector.gui.widgets.detail import DetailPane
from inspector.gui.widgets.events_view import EventsView
from inspector.gui.widgets.people import PeopleView
from inspector.gui.widgets.toolbar import MainToolBar

log = logging.getLogger(__name__)


class SessionActions:
    """What the window does with sessions: the picker, Clear, delete, view a stored one.
    ``shown_changed`` is called once the window shows another session (its rows are in)."""

    def __init__(
        self,
        service: CollectorService,
        feed: EventFeed,
        *,
        toolbar: MainToolBar,
        banner: Banner,
        table: EventsView,
        detail: DetailPane,
        people: PeopleView,
        rules: dict[str, Any],
        tasks: Tasks,
        parent: QWidget,
        say: Callable[[str, int], None],
        shown_changed: Callable[[], None],
    ) -> None:
        self.service, self.feed, self.toolbar, self.banner = service, feed, toolbar, banner
        self.table, self.detail, self.people, self.rules = table, detail, people, rules
        self.tasks, self.parent, self.say = tasks, parent, say
        self.shown_changed = shown_changed
        self._switching = False  # Clear is moving the collector on to a new session

    # -- what a session holds -------------------------------------------------------------
    def session_size(self, session_id: int) -> tuple[int, int]:
        """(events, requests) stored for a session."""
        store = self.service.store
        events = store.count_events(session_id)
        requests = int(
            store.select("SELECT COUNT(*) FROM requests WHERE session_id=?", (session_id,))[0][0]
        )
        return events, requests

    def session_is_empty(self, session_id: int) -> bool:
        return self.session_size(session_id) == (0, 0)

    def drop_if_empty(self, session_id: int) -> bool:
        """Delete a session that holds nothing (sessions exist once they hold something)."""
        store = self.service.store
        try:
            if store.find_session(session_id) is None or not self.session_is_empty(session_id):
                return False
            store.delete_session(session_id)
        except Exception:  # a store closed or gone: leave it, the picker hides empty ones
            log.warning("cannot drop the empty session %s", session_id, exc_info=True)
            return False
        return True

    def _fresh_session_name(self) -> str:
        base = default_session_name()
        name, i = base, 2
        while self.service.store.find_session(name) is not None:
            name, i = f"{base} ({i})", i + 1
        return name

    # -- clear: a new empty view ----------------------------------------------------------
    def clear_session(self) -> None:
        """Start a new, empty live session; the current one stays stored (nothing is lost)."""
        if not self.feed.live or self._switching:
            return
        if self.session_is_empty(self.service.session.id) and not self.feed.pending:
            self.feed.clear()  # nothing is stored yet: the view is simply emptied
            return
        self.tasks.spawn(self._new_view())

    async def _new_view(self) -> Any:
        self._switching = True
        try:
            old = self.service.session
            await self.service.switch_session(self._fresh_session_name())
            new = self.service.session
            self.feed.live_session = new
            self.feed.load_session(new)
            self.drop_if_empty(old.id)
            self._after_session_change()
            events, _ = self.session_size(old.id) if self._exists(old.id) else (0, 0)
            if events:
                self.say(
                    f"New empty view. “{old.name}” keeps its {plural(events, 'event')}: "
                    "open it from Session, or delete it there.",
                    12000,
                )
            return old
        finally:
            self._switching = False

    def _exists(self, session_id: int) -> bool:
        return self.service.store.find_session(session_id) is not None

    # -- delete: only after a confirmation ------------------------------------------------
    def ask_delete_session(self, session_id: int | None = None) -> Any:
        """Ask, then delete a session's stored events (the shown session by default)."""
        store = self.service.store
        sid = self.feed.session.id if session_id is None else session_id
        session = store.find_session(sid)
        if session is None:
            return None
        events, requests = self.session_size(sid)
        live = sid == self.service.session.id
        what = plural(events, "event")
        name = html.escape(session.name)
        text = f"Delete the session <b>{name}</b> and its {what}?"
        if live:
            text = (
                f"Delete the live session <b>{name}</b> and its {what} "
                "(and any that arrive before you confirm)?"
            )
        details = (
            f"They are removed from the data directory ({store.data_dir}), with the "
            f"{plural(requests, 'HTTP request')} that brought them (rejected ones included), "
            "and cannot be restored."
        )
        if live:
            details += " The collector keeps running; new events go to a new, empty session."
        return confirm_destructive(
            self.parent,
            "Delete stored events",
            text,
            f"Delete {what}" if events else "Delete session",
            lambda: self._spawn_delete(sid),
            details,
        )

    def _spawn_delete(self, session_id: int) -> None:
        self.tasks.spawn(self._delete_session(session_id))

    async def _delete_session(self, session_id: int) -> None:
        store = self.service.store
        session = store.find_session(session_id)
        if session is None:
            return
        events, _ = self.session_size(session_id)
        if session_id == self.service.session.id:
            await self._new_view()  # the collector moves on first, so nothing lands in it
        store.delete_session(session_id)
        if self.feed.session.id == session_id:
            self.view_session(self.service.session.id)
        self.update_picker()
        self.say(f"Deleted the session “{session.name}” and its {plural(events, 'event')}.", 10000)

    # -- the picker -----------------------------------------------------------------------
    def update_picker(self, listed: bool = True) -> None:
        """The session picker: every session with its size, or (``listed=False``, as the
        window opens: counting a large session's events is not what a first paint should
        wait for) only the one shown; the picker lists them all when it opens."""
        if listed:
            sessions = self.service.store.list_sessions()
        else:
            shown = self.feed.session
            sessions = [{**shown.to_dict(), "events": self.feed.view.total, "rejected": 0}]
        self.toolbar.fill_sessions(sessions, self.feed.session.id, self.service.session.id)

    def picked(self, index: int) -> None:
        sid = self.toolbar.sessions.itemData(index)
        if sid is not None:
            self.view_session(int(sid))

    def view_session(self, session_id: int) -> None:
        store = self.service.store
        session = (
            store.find_session(session_id)
            if session_id != self.service.session.id
            else self.service.session
        )
        if session is None:
            return
        self.feed.live_session = self.service.session
        self.feed.load_session(session)
        self._after_session_change()

    def _after_session_change(self) -> None:
        live = self.feed.live
        self.toolbar.clear_view.setEnabled(live)
        self.toolbar.pause.setEnabled(live)
        if live:
            if self.banner.kind == "info":
                self.banner.hide()
        else:
            sid = self.feed.session.id
            self.banner.show_message(
                "info",
                f"Viewing the stored session <b>{html.escape(self.feed.session.name)}</b> "
                "(read-only). New events keep arriving in the live session.",
                [
                    ("Back to live", lambda: self.view_session(self.service.session.id)),
                    ("Delete this session…", lambda: self.ask_delete_session(sid)),
                ],
            )
        self.update_picker()
        self.shown_changed()  # the stack, the People view marked out of date
        self.table.scrollToBottom()  # the session's newest events
        self.detail.show_event(None, None, self.rules)
        self.people.refresh()
