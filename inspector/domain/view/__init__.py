"""What a window shows of a session, Qt-free (mitmproxy's ``View`` is the model).

* :mod:`~inspector.domain.view.columns`: the table's columns and what each shows of an event.
* :mod:`~inspector.domain.view.rows`: the display rows, compact and column-wise.
* :mod:`~inspector.domain.view.counts`: lint counts (per rule, per level).
* :mod:`~inspector.domain.view.loader`: rows and counts read from the store, newest first.
* :mod:`~inspector.domain.view.view`: the :class:`View`, the filtered, ordered projection.
* :mod:`~inspector.domain.view.vocabulary`, :mod:`~inspector.domain.view.values`: what the
  session holds, for the filter bar's hints and completion.
"""

from inspector.domain.view.counts import LintCounts
from inspector.domain.view.rows import RowStore, Strings
from inspector.domain.view.view import View

__all__ = ["LintCounts", "RowStore", "Strings", "View"]
