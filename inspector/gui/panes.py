"""The side panes beside the tabs: the lint panel (left) and the detail pane (right).

Each is readable or folded, never a sliver; the user folds and unfolds them (the Panes menu),
and the window's width does from 1024 px up: icons only below ``COMPACT``, and below
``NARROW`` the lint panel folds (its counts stay in the status bar) unless the user showed it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QSplitter

from inspector.gui.widgets.toolbar import MainToolBar

LINT, TABS, DETAIL = range(3)  # the splitter's panes
NARROW = 1200  # below: the lint panel folds
COMPACT = 1300  # below: toolbar buttons show icons only
_NAME = {LINT: "lint", DETAIL: "detail"}
_DEFAULT_WIDTH = {LINT: 230, DETAIL: 380}


class SidePanes:
    def __init__(self, splitter: QSplitter, toolbar: MainToolBar) -> None:
        self.splitter, self.toolbar = splitter, toolbar
        self.chosen: set[str] = set()  # panes the user showed or hid by hand
        self.widths: dict[int, int] = {}  # a folded pane's width, for when it unfolds
        self.restored = False  # the splitter's state is the user's, saved last time
        self._narrow: bool | None = None
        toolbar.panes_menu.aboutToShow.connect(self.sync_toggles)
        toolbar.show_lint.triggered.connect(lambda on: self.show(LINT, on, chosen=True))
        toolbar.show_detail.triggered.connect(lambda on: self.show(DETAIL, on, chosen=True))

    def shown(self, index: int) -> bool:
        return self.splitter.sizes()[index] > 0

    def show(self, index: int, on: bool, chosen: bool = False) -> None:
        """Fold or unfold a side pane (``LINT`` or ``DETAIL``)."""
        if chosen:
            self.chosen.add(_NAME[index])
        sizes = self.splitter.sizes()
        if (sizes[index] > 0) == on:
            return
        if on:
            want = self.widths.get(index) or _DEFAULT_WIDTH[index]
            sizes[TABS] = max(200, sizes[TABS] - want)
            sizes[index] = want
        else:
            self.widths[index] = sizes[index]
            sizes[TABS] += sizes[index]
            sizes[index] = 0
        self.splitter.setSizes(sizes)

    def sync_toggles(self) -> None:
        self.toolbar.show_lint.setChecked(self.shown(LINT))
        self.toolbar.show_detail.setChecked(self.shown(DETAIL))

    def adapt(self, width: int) -> None:
        """Fit the panes to the window's ``width`` (on each resize; acts when it crosses
        ``NARROW``): the detail pane keeps a readable width, the lint panel folds when narrow."""
        self.toolbar.set_compact(width < COMPACT)
        narrow = width < NARROW
        first = self._narrow is None
        if narrow == self._narrow:
            return
        self._narrow = narrow
        if first and self.restored:  # the user's saved layout, folded if narrow
            if narrow and "lint" not in self.chosen:
                self.show(LINT, False)
            return
        total = max(width - 12, 600)
        sizes = self.splitter.sizes()
        lint = sizes[LINT]
        if "lint" not in self.chosen:
            if narrow and lint:
                self.widths[LINT] = lint
            lint = 0 if narrow else (self.widths.get(LINT) or _DEFAULT_WIDTH[LINT])
        detail = sizes[DETAIL]
        if "detail" not in self.chosen or detail:
            share = 0.38 if narrow else 0.28
            detail = max(300, min(460, int(total * share)))
        self.splitter.setSizes([lint, max(240, total - lint - detail), detail])
