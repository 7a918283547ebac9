"""Merge policies: what each destination does with a proposed merge (reference §5.1–5.2).

``accept`` is only asked about proposals that would join two *different* components; the
graph has already handled self-aliases and redundant edges. It returns
``(verdict, reason, rule)`` where ``rule`` is an extra warning id to raise (E064, I012, W067,
W075) or None. W069 ("the mode blocks or no-ops a merge the naive graph applies") is raised by
the graph for every blocked / no-op verdict outside the ``naive`` mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from inspector.domain.identity.ids import AMPLITUDE_MIN_ID_LENGTH, is_uuid4
from inspector.domain.identity.person import (
    APPLIED,
    BLOCKED,
    F_ALIAS_TARGET,
    K_ALIAS,
    K_IMPLICIT,
    NOOP,
    Person,
)

if TYPE_CHECKING:
    from inspector.domain.identity.state import IdentityState

MODES: tuple[str, ...] = (
    "default",
    "segment",
    "mixpanel-original",
    "mixpanel-simplified",
    "amplitude",
    "posthog",
    "kissmetrics",
    "mixpanel-legacy",
    "naive",
)
MODE_ALIASES = {
    "protected": "default",
    "unify": "segment",
    "segment-unify": "segment",
    "mixpanel": "mixpanel-simplified",
}

Verdict = tuple[int, str | None, str | None]
_OK: Verdict = (APPLIED, None, None)

UNIFY_MAX_ANONS = 5
UNIFY_MAX_MERGES = 100
UNIFY_MAX_IDS = 1000
MIXPANEL_MAX_IDS = 500
KISSMETRICS_SQUISH_USERS = 3


class Limit(NamedTuple):
    """A cluster limit checked after every union (warn-only; blocking limits live in accept)."""

    metric: str  # users | anons | ids | merges
    maximum: int
    rule: str  # W067 or W074
    label: str


class Policy:
    """Default mode ("protected", Unify-like merge protection)."""

    name = "default"
    implicit_merges = True  # does a track/page/screen carrying both ids merge?
    warn_alias_after_identify = False  # W063 (Mixpanel Legacy / Original)
    min_id_length = 0  # ids shorter than this get no node (I010)
    limits: tuple[Limit, ...] = (
        Limit("anons", UNIFY_MAX_ANONS, "W067", "Segment Unify limit of 5 anonymousIds"),
        Limit("merges", UNIFY_MAX_MERGES, "W067", "Segment Unify limit of 100 merges"),
        Limit("ids", UNIFY_MAX_IDS, "W067", "Segment Unify limit of 1000 mappings"),
    )

    def accept(
        self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person
    ) -> Verdict:
        if kind == K_IMPLICIT and not self.implicit_merges:
            return (NOOP, f"{self.name} merges only on identify/alias calls", None)
        if kind == K_ALIAS:
            return self.alias(g, x, y, px, py)
        return self.co(g, kind, x, y, px, py)

    def co(self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person) -> Verdict:
        if px.users and py.users:
            return (BLOCKED, "would merge two userIds (merge protection)", None)
        return _OK

    def alias(self, g: IdentityState, x: int, y: int, px: Person, py: Person) -> Verdict:
        return _OK  # alias is the spec's explicit merge instruction (W062 is raised anyway)


class Naive(Policy):
    name = "naive"
    limits = ()

    def co(self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person) -> Verdict:
        return _OK


class Segment(Policy):
    """Segment Unify: flat matching, user_id limit 1, 5 anonymous ids, alias ignored."""

    name = "segment"
    limits = ()

    def co(self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person) -> Verdict:
        if px.users and py.users:
            return (BLOCKED, "user_id limit 1: the profile already has a user_id", None)
        if px.anons + py.anons > UNIFY_MAX_ANONS:
            return (BLOCKED, "anonymous_id limit 5 reached", "W067")
        if px.merges + py.merges + 1 > UNIFY_MAX_MERGES:
            return (BLOCKED, "limit of 100 merges per profile reached", "W067")
        if px.size + py.size > UNIFY_MAX_IDS:
            return (BLOCKED, "limit of 1000 identifier mappings reached", "W067")
        return _OK

    def alias(self, g: IdentityState, x: int, y: int, px: Person, py: Person) -> Verdict:
        return (NOOP, "alias is ignored by Unify identity resolution", "I012")


class MixpanelLegacy(Policy):
    """Mixpanel before ID Merge: alias once, before identify; identify merges nothing."""

    name = "mixpanel-legacy"
    implicit_merges = False
    warn_alias_after_identify = True
    limits = ()

    def co(self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person) -> Verdict:
        return (NOOP, "identify only switches the distinct_id (no merge without alias)", None)

    def alias(self, g: IdentityState, x: int, y: int, px: Person, py: Person) -> Verdict:
        if g.node_flags(y) & F_ALIAS_TARGET:
            return (BLOCKED, "the userId is already aliased to another distinct_id", "E064")
        if px.users:
            return (BLOCKED, "the previousId already maps to a different user", "E064")
        return _OK


class MixpanelOriginal(MixpanelLegacy):
    """Mixpanel Original ID Merge: $identify needs a UUIDv4 anon that is not merged yet."""

    name = "mixpanel-original"
    limits = ()  # the 500-id cap blocks the union itself (W067 raised by _cap)

    def co(self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person) -> Verdict:
        if not is_uuid4(g.value_of(x)):
            return (BLOCKED, "$anon_id is not UUIDv4-shaped", None)
        if px.users:
            return (BLOCKED, "$anon_id is already merged into another identified id", None)
        return self._cap(px, py)

    def alias(self, g: IdentityState, x: int, y: int, px: Person, py: Person) -> Verdict:
        v = super().alias(g, x, y, px, py)
        return v if v[0] != APPLIED else self._cap(px, py)

    @staticmethod
    def _cap(px: Person, py: Person) -> Verdict:
        if px.size + py.size > MIXPANEL_MAX_IDS:
            return (BLOCKED, "the merged cluster would exceed 500 ids", "W067")
        return _OK


class MixpanelSimplified(Policy):
    """Mixpanel Simplified ID Merge: $device_id + $user_id merge; alias has no effect."""

    name = "mixpanel-simplified"
    limits = ()

    def co(self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person) -> Verdict:
        if px.users and py.users:
            return (BLOCKED, "two $user_ids can never be merged", None)
        return _OK

    def alias(self, g: IdentityState, x: int, y: int, px: Person, py: Person) -> Verdict:
        return (NOOP, "$create_alias has no effect in Simplified ID Merge", None)


class Amplitude(Policy):
    """Amplitude: device history joins the first user_id; user ids never merge."""

    name = "amplitude"
    min_id_length = AMPLITUDE_MIN_ID_LENGTH
    limits = ()

    def co(self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person) -> Verdict:
        if px.users and py.users:
            return (BLOCKED, "user_id is immutable: two user ids cannot be merged", None)
        return _OK

    def alias(self, g: IdentityState, x: int, y: int, px: Person, py: Person) -> Verdict:
        if px.users and py.users:
            return (BLOCKED, "two established user ids cannot be merged", None)
        return _OK


class PostHog(Policy):
    """PostHog $identify / $create_alias into the distinct_id (the userId side)."""

    name = "posthog"
    implicit_merges = False
    limits = ()

    def accept(
        self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person
    ) -> Verdict:
        if kind == K_IMPLICIT:
            return (NOOP, "PostHog merges only on $identify / $create_alias", None)
        # A distinct id first seen in this very message has no person yet: it is just added
        # to the other side's person, even if that person is identified (shared-device hazard).
        if g.is_new(x) or g.is_new(y):
            return _OK
        if px.users:
            return (BLOCKED, "cannot_merge_already_identified", "W075")
        return _OK


class Kissmetrics(Policy):
    """KISSmetrics: identify-from-anonymous and alias always merge (symmetric, forever)."""

    name = "kissmetrics"
    implicit_merges = False
    limits = (
        Limit(
            "users",
            KISSMETRICS_SQUISH_USERS,
            "W074",
            "KISSmetrics squishing: more than 3 userIds in one person",
        ),
    )

    def accept(
        self, g: IdentityState, kind: int, x: int, y: int, px: Person, py: Person
    ) -> Verdict:
        if kind == K_IMPLICIT:
            return (NOOP, "KISSmetrics merges only on identify / alias", None)
        return _OK


_POLICIES: dict[str, type[Policy]] = {
    "default": Policy,
    "naive": Naive,
    "segment": Segment,
    "mixpanel-legacy": MixpanelLegacy,
    "mixpanel-original": MixpanelOriginal,
    "mixpanel-simplified": MixpanelSimplified,
    "amplitude": Amplitude,
    "posthog": PostHog,
    "kissmetrics": Kissmetrics,
}


def policy_for(mode: str) -> Policy:
    name = MODE_ALIASES.get(mode, mode)
    try:
        return _POLICIES[name]()
    except KeyError:
        raise ValueError(f"unknown identity mode {mode!r}; expected one of {MODES}") from None
