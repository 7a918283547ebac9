"""Identity resolution: union-find over typed identifiers with per-destination merge modes.

Public API::

    from inspector.domain.identity import IdentityGraph, MODES, compare_modes, replay
"""

from inspector.domain.identity.compare import compare_modes
from inspector.domain.identity.graph import IdentityGraph, replay
from inspector.domain.identity.modes import MODES

__all__ = ["MODES", "IdentityGraph", "compare_modes", "replay"]
