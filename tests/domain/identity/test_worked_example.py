"""Reference §5.2 item 8: the worked example, in the default mode and as each vendor sees it."""

from __future__ import annotations

import pytest

from tests.domain.identity.helpers import WORKED, edges, feed, groups, rules, warning


def test_default_mode_table() -> None:
    g = feed(WORKED)
    assert edges(g) == [
        ("anon-A1", "user-U1", "identify", "applied"),  # seq 2
        ("anon-A2", "user-U1", "alias", "applied"),  # seq 4
        ("anon-A1", "user-U2", "identify", "blocked"),  # seq 5: C1 already holds U1
        ("user-U2", "user-U1", "alias", "applied"),  # seq 6: alias joins U2 into C1
    ]
    assert groups(g) == [{"anon-A1", "user-U1", "anon-A2", "user-U2"}]
    snap = g.snapshot()
    person = snap["people"][0]
    assert person["canonical"] == "user-U1"  # smallest firstSeq among users
    assert person["events"] == 6
    blocked = person["edges"][2]
    assert blocked["messageId"] == "m5"
    assert blocked["reason"] == "would merge two userIds (merge protection)"
    assert rules(g) == ["W060", "W069", "W062"]
    w060 = warning(g, "W060")
    assert w060["identifiers"] == ["anon-A1", "user-U1", "user-U2"]
    assert w060["messageIds"] == ["m2", "m5"]
    assert warning(g, "W069")["messageIds"] == ["m5"]
    w062 = warning(g, "W062")
    assert w062["messageIds"] == ["m6"]
    assert {"user-U1", "user-U2"} <= set(w062["identifiers"])


def test_blocked_identify_keeps_the_event_with_its_user() -> None:
    g = feed(WORKED[:5])
    assert groups(g) == [{"anon-A1", "user-U1", "anon-A2"}, {"user-U2"}]
    assert g.event_ids_of("user-U2") == [5]
    assert g.event_ids_of("anon-A1") == [1, 2, 3, 4]


def test_mixpanel_legacy_warns_alias_after_identify() -> None:
    g = feed(WORKED, "mixpanel-legacy")
    w = [w for w in g.snapshot()["warnings"] if w["rule"] == "W063"]
    assert w and w[0]["messageIds"][0] == "m4"
    assert "user-U1" in w[0]["identifiers"]
    # identify does not merge in Legacy: anon-A1's history stays apart
    assert g.person_of("anon-A1") == "anon-A1"


@pytest.mark.parametrize(
    ("mode", "verdict_5", "verdict_6"),
    [
        ("default", "blocked", "applied"),
        ("naive", "applied", "redundant"),
        ("kissmetrics", "applied", "redundant"),
        ("posthog", "applied", "redundant"),
        ("mixpanel-simplified", "blocked", "no-op"),
        ("segment", "blocked", "no-op"),
        ("amplitude", "blocked", "blocked"),
    ],
)
def test_rows_5_and_6_per_mode(mode: str, verdict_5: str, verdict_6: str) -> None:
    g = feed(WORKED, mode)
    by_mid = {e["messageId"]: e["verdict"] for e in g.edges()}
    assert by_mid["m5"] == verdict_5
    assert by_mid["m6"] == verdict_6


def test_mixpanel_simplified_noop_alias_raises_w069() -> None:
    g = feed(WORKED, "mixpanel-simplified")
    w069 = [w for w in g.snapshot()["warnings"] if w["rule"] == "W069"]
    assert any(
        w["messageIds"] == ["m6"] and w["identifiers"] == ["user-U2", "user-U1"] for w in w069
    )
    assert g.person_of("user-U2") == "user-U2"


def test_posthog_adds_new_user_to_the_anon_person() -> None:
    g = feed(WORKED, "posthog")
    assert groups(g) == [{"anon-A1", "user-U1", "anon-A2", "user-U2"}]
    assert "W060" in rules(g)  # the shared-device hazard
    redundant = warning(g, "I011")
    assert redundant["messageIds"] == ["m6"]


def test_posthog_blocks_when_u2_had_its_own_history() -> None:
    messages = [{"type": "track", "userId": "user-U2", "event": "Earlier"}, *WORKED]
    g = feed(messages, "posthog")
    by_mid = {e["messageId"]: (e["verdict"], e["reason"]) for e in g.edges()}
    assert by_mid["m6"] == ("blocked", "cannot_merge_already_identified")  # seq 5 shifted
    assert by_mid["m7"] == ("blocked", "cannot_merge_already_identified")
    w075 = [w for w in g.snapshot()["warnings"] if w["rule"] == "W075"]
    assert [(w["identifiers"], w["messageIds"]) for w in w075] == [
        (["anon-A1", "user-U2"], ["m6"]),
        (["user-U2", "user-U1"], ["m7"]),
    ]
    assert groups(g) == [{"user-U2"}, {"anon-A1", "user-U1", "anon-A2"}]
