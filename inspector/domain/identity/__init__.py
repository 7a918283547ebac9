"""Identity resolution: union-find over typed identifiers with per-destination merge modes.

- ``state``: the columns (nodes, events, edges), the union-find and the read interface;
- ``person``: the record each root keeps, and the codes (kinds, verdicts, flags);
- ``identifiers``: which values get a node, and the warnings about identifiers;
- ``merging`` and ``modes``: the merge policy of each mode, and the warnings about merges;
- ``graph``: :class:`IdentityGraph`, fed event by event, with the questions queries ask;
- ``views``: snapshot, People rows and timelines; ``compare``: modes side by side;
  ``stored``: a stored session's graph kept up to date.

Public API::

    from inspector.domain.identity import IdentityGraph, MODES, compare_modes, replay
"""

from inspector.domain.identity.compare import compare_modes
from inspector.domain.identity.graph import IdentityGraph, replay
from inspector.domain.identity.modes import MODES

__all__ = ["MODES", "IdentityGraph", "compare_modes", "replay"]
