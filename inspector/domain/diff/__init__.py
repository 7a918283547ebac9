"""Compare what a release sends against a golden session: the tracking plan as observed.

Each session is reduced to a :class:`Profile`: for every kind of event (type + event name, or
page/screen name) its count, and for every property path (``properties`` of track/page/screen,
``traits`` of identify/group; nested objects as ``a.b``, arrays of objects as ``items[].sku``)
how often it is present, its JSON types, and — for low-cardinality string/boolean properties —
the set of values seen. :func:`compare` reports the differences, each either a *regression*
(the release stopped sending something the baseline sent) or a mere *change*:

regression (exit status 1)
    ``event_removed``     an event kind of the baseline never occurs
    ``property_removed``  a property of the baseline never occurs on that event
    ``type_changed``      a property now has a JSON type the baseline never had (number -> string,
                          or null appearing); int and float are both ``number``. For the
                          amounts that revenue and conversions are computed from
                          (``revenue``, ``price``, ``value``, ``quantity``) any change of the
                          type set is one, narrowing too (``number|string`` -> ``string``)
change (reported, exit status 0 unless ``strict``)
    ``event_added``, ``property_added``, ``count_changed`` (relative change over the tolerance),
    ``property_optional`` (present on every baseline event, now only on some), ``type_narrowed``
    (a baseline type no longer seen, none new), ``values_changed`` (low-cardinality value set)

Pure Python: the CLI prints it, the window can show ``DiffResult.rows`` side by side.
"""

from inspector.domain.diff.compare import (
    DEFAULT_TOLERANCE,
    REGRESSION_KINDS,
    Change,
    DiffResult,
    Row,
    compare,
)
from inspector.domain.diff.profile import (
    EventStats,
    Profile,
    PropStats,
    event_key,
    profile_file,
    profile_messages,
    profile_typed,
)
from inspector.domain.diff.render import render_junit, render_text

__all__ = [
    "DEFAULT_TOLERANCE",
    "REGRESSION_KINDS",
    "Change",
    "DiffResult",
    "EventStats",
    "Profile",
    "PropStats",
    "Row",
    "compare",
    "event_key",
    "profile_file",
    "profile_messages",
    "profile_typed",
    "render_junit",
    "render_text",
]
