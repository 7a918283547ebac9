"""Each mode against the default: at least one scenario where it ends up with other people,
and compare_modes() naming the identifiers and the edge/message responsible."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.domain.identity import MODES, IdentityGraph, compare_modes
from tests.domain.identity.helpers import UA1, WORKED, events, feed, groups, msg

SHARED_DEVICE = [
    msg("identify", anon=UA1, user="user-0001"),
    msg("identify", anon=UA1, user="user-0002"),
]


def _disagreement(ds: list[dict[str, Any]], x: str, y: str) -> dict[str, Any]:
    found = [d for d in ds if set(d["identifiers"]) == {x, y}]
    assert len(found) == 1, ds
    return found[0]


def test_modes_tuple() -> None:
    assert MODES[:7] == (
        "default",
        "segment",
        "mixpanel-original",
        "mixpanel-simplified",
        "amplitude",
        "posthog",
        "kissmetrics",
    )
    assert set(MODES) >= {"mixpanel-legacy", "naive"}
    assert IdentityGraph("protected").mode == "default"
    assert IdentityGraph("unify").mode == "segment"
    with pytest.raises(ValueError, match="unknown identity mode"):
        IdentityGraph("heap")


@pytest.mark.parametrize(
    ("mode", "messages", "x", "y", "together"),
    [
        # Unify ignores alias.
        (
            "segment",
            [msg("page", anon="anon-0001"), msg("alias", prev="anon-0001", user="user-0001")],
            "anon-0001",
            "user-0001",
            False,
        ),
        # Original ID Merge needs a UUIDv4 $anon_id.
        (
            "mixpanel-original",
            [msg("identify", anon="cookie-1234", user="user-0001")],
            "cookie-1234",
            "user-0001",
            False,
        ),
        # $create_alias has no effect in Simplified ID Merge.
        (
            "mixpanel-simplified",
            [msg("page", anon="anon-0001"), msg("alias", prev="anon-0001", user="user-0001")],
            "anon-0001",
            "user-0001",
            False,
        ),
        # Amplitude never merges two established user ids, even on alias.
        (
            "amplitude",
            [
                msg("track", user="user-0001", event="E"),
                msg("track", user="user-0002", event="E"),
                msg("alias", prev="user-0001", user="user-0002"),
            ],
            "user-0001",
            "user-0002",
            False,
        ),
        # PostHog: a track carrying both ids is not an $identify.
        (
            "posthog",
            [msg("track", anon="anon-0001", user="user-0001", event="E")],
            "anon-0001",
            "user-0001",
            False,
        ),
        # PostHog: a brand-new distinct_id is just added to the (identified) anon person.
        ("posthog", SHARED_DEVICE, UA1, "user-0002", True),
        # KISSmetrics: identify always aliases (squishing risk).
        ("kissmetrics", SHARED_DEVICE, UA1, "user-0002", True),
        # Legacy: identify only switches the distinct_id.
        (
            "mixpanel-legacy",
            [msg("identify", anon="anon-0001", user="user-0001")],
            "anon-0001",
            "user-0001",
            False,
        ),
        ("naive", SHARED_DEVICE, UA1, "user-0002", True),
    ],
)
def test_mode_differs_from_default(
    mode: str, messages: list[dict[str, Any]], x: str, y: str, together: bool
) -> None:
    g, d = feed(messages, mode), feed(messages)
    assert (g.person_of(x) == g.person_of(y)) is together
    assert (d.person_of(x) == d.person_of(y)) is not together
    ds = compare_modes(events(messages), ("default", mode))
    dis = _disagreement(ds, x, y)
    assert dis["together"] == ([mode] if together else ["default"])
    assert dis["apart"] == (["default"] if together else [mode])
    responsible = {e["mode"]: e for e in dis["edges"]}
    assert set(responsible) == {"default", mode}
    assert responsible[mode]["verdict"] in (("applied",) if together else ("blocked", "no-op"))
    assert responsible["default"]["verdict"] in (("blocked", "no-op") if together else ("applied",))
    assert dis["messageIds"] == list(dict.fromkeys(e["messageId"] for e in dis["edges"]))
    assert dis["messageIds"]


def test_amplitude_short_ids_are_absent() -> None:
    messages = [msg("identify", anon="anon-0001", user="u42")]
    ds = compare_modes(events(messages), ("default", "amplitude"))
    d = _disagreement(ds, "anon-0001", "u42")
    assert d["together"] == ["default"] and d["absent"] == ["amplitude"]
    assert d["people"]["amplitude"] == ["anon-0001", None]


def test_compare_modes_on_the_worked_example() -> None:
    ds = compare_modes(events(WORKED))
    pairs = [tuple(d["identifiers"]) for d in ds]
    # in first-edge order: A1—U1 (mixpanel-legacy/original), A2—U1 (alias), A1—U2, U2—U1
    assert pairs == [
        ("anon-A1", "user-U1"),
        ("anon-A2", "user-U1"),
        ("anon-A1", "user-U2"),
        ("user-U2", "user-U1"),
    ]
    a2 = ds[1]
    assert set(a2["apart"]) == {"segment", "mixpanel-simplified"}
    assert "default" in a2["together"] and "posthog" in a2["together"]
    seg = [e for e in a2["edges"] if e["mode"] == "segment"]
    assert [(e["messageId"], e["verdict"], e["call"]) for e in seg] == [("m4", "no-op", "alias")]
    u2 = ds[3]
    assert set(u2["apart"]) == {
        "segment",
        "mixpanel-simplified",
        "amplitude",
        "mixpanel-original",
        "mixpanel-legacy",
    }
    assert set(u2["together"]) == {"default", "posthog", "kissmetrics", "naive"}
    assert u2["people"]["default"] == ["user-U1", "user-U1"]
    assert u2["people"]["segment"] == ["user-U2", "user-U1"]
    # posthog merged U2 at m5 (identify), so its responsible edges name m5 and m6
    ph = [(e["messageId"], e["verdict"]) for e in u2["edges"] if e["mode"] == "posthog"]
    assert ph == [("m6", "redundant")]


def test_compare_modes_agreeing_modes_give_nothing() -> None:
    messages = [
        msg("identify", anon=UA1, user="user-0001"),
        msg("track", anon=UA1, user="user-0001", event="E"),
    ]
    assert (
        compare_modes(
            events(messages), ("default", "mixpanel-original", "amplitude", "kissmetrics", "naive")
        )
        == []
    )


def test_every_mode_gives_a_partition_of_the_same_identifiers() -> None:
    for mode in MODES:
        g = feed(WORKED, mode)
        ids = sorted(v for grp in groups(g) for v in grp)
        assert ids == sorted(["anon-A1", "anon-A2", "user-U1", "user-U2"]), mode
