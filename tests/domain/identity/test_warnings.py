"""Every identity warning of reference §5.3 / §6, with the identifiers and messageIds named."""

from __future__ import annotations

import uuid

import pytest

from tests.domain.identity.helpers import (
    UA1,
    UA2,
    edges,
    feed,
    groups,
    msg,
    rules,
    warning,
)


@pytest.mark.parametrize(
    "bad",
    [
        "null",
        "undefined",
        "anonymous",
        "0",
        "None",
        "NaN",
        "[object Object]",
        "  ",
        '"null"',
        "0000-0000",
        "-1",
        "guest",
    ],
)
def test_e020_placeholder_ids_get_no_node(bad: str) -> None:
    g = feed(
        [msg("identify", anon="anon-real1", user=bad), msg("identify", anon="anon-real2", user=bad)]
    )
    w = warning(g, "E020")
    assert w["severity"] == "error"
    assert w["messageIds"] == ["m1", "m2"]
    assert w["count"] == 2
    assert bad in w["identifiers"]
    assert {"anon-real1", "anon-real2"} <= set(w["identifiers"])
    # the placeholder never merged the two devices
    assert groups(g) == [{"anon-real1"}, {"anon-real2"}]
    assert g.identifiers_of(bad) == set()
    assert g.person_of(bad) is None
    # the warning concerns the persons whose message carried the placeholder
    assert [x["rule"] for x in g.snapshot(user="anon-real2")["warnings"]] == ["E020"]


def test_e020_placeholder_previous_id() -> None:
    g = feed(
        [
            msg("track", user="user-0001", event="E"),
            msg("alias", prev="undefined", user="user-0001"),
        ]
    )
    assert warning(g, "E020")["messageIds"] == ["m2"]
    assert edges(g) == []


def test_i010_short_ids_only_in_amplitude() -> None:
    messages = [msg("identify", anon="abc", user="u1"), msg("track", user="u1", event="E")]
    g = feed(messages, "amplitude")
    found = [(w["rule"], w["identifiers"], w["messageIds"]) for w in g.snapshot()["warnings"]]
    assert found == [("I010", ["u1"], ["m1", "m2"]), ("I010", ["abc"], ["m1"])]
    assert g.snapshot()["people"] == []
    d = feed(messages)
    assert "I010" not in rules(d)
    assert groups(d) == [{"u1", "abc"}]


def test_w019_near_identical_ids() -> None:
    g = feed(
        [
            msg("track", user="Alice-01", event="E"),
            msg("track", user="alice-01 ", event="E"),
            msg("track", user="bob-01", event="E"),
        ]
    )
    w = warning(g, "W019")
    assert w["identifiers"] == ["Alice-01", "alice-01 "]
    assert w["messageIds"] == ["m2"]
    assert len(g.snapshot()["people"]) == 3  # still different users


def test_w019_lowercase_seen_first() -> None:
    g = feed([msg("page", anon="device-ab"), msg("page", anon="DEVICE-AB")])
    assert warning(g, "W019")["identifiers"] == ["device-ab", "DEVICE-AB"]


def test_w060_shared_device_through_track_calls() -> None:
    g = feed(
        [
            msg("track", anon="ipad-0001", user="user-aaa", event="E"),
            msg("track", anon="ipad-0001", user="user-bbb", event="E"),
            msg("track", anon="ipad-0001", user="user-bbb", event="E"),
            msg("track", anon="ipad-0001", user="user-ccc", event="E"),
        ]
    )
    w = warning(g, "W060")
    assert w["identifiers"] == ["ipad-0001", "user-aaa", "user-bbb", "user-ccc"]
    assert w["messageIds"] == ["m1", "m2", "m3", "m4"]
    assert "user-aaa,user-bbb,user-ccc" in w["message"]
    assert groups(g) == [{"ipad-0001", "user-aaa"}, {"user-bbb"}, {"user-ccc"}]


def test_w062_alias_joins_two_known_users() -> None:
    g = feed(
        [
            msg("track", user="user-old", event="E"),
            msg("track", user="user-new", event="E"),
            msg("alias", prev="user-old", user="user-new"),
        ]
    )
    w = warning(g, "W062")
    assert set(w["identifiers"]) == {"user-old", "user-new"}
    assert w["messageIds"] == ["m3"]
    assert groups(g) == [{"user-old", "user-new"}]  # default applies the alias


def test_w062_not_raised_for_a_brand_new_previous_id() -> None:
    g = feed(
        [msg("track", user="user-new", event="E"), msg("alias", prev="legacy-77", user="user-new")]
    )
    assert "W062" not in rules(g)
    assert warning(g, "I011")["message"].endswith("never seen before (dangling)")


@pytest.mark.parametrize("mode", ["mixpanel-original", "mixpanel-legacy"])
def test_w063_alias_after_identify(mode: str) -> None:
    g = feed(
        [
            msg("identify", anon=UA1, user="user-0001"),
            msg("page", anon=UA2),
            msg("alias", prev=UA2, user="user-0001"),
        ],
        mode,
    )
    w = warning(g, "W063")
    assert w["identifiers"] == [UA2, "user-0001"] and w["messageIds"] == ["m3"]
    assert "W063" not in rules(
        feed(
            [
                msg("page", anon=UA2),
                msg("alias", prev=UA2, user="user-0001"),
                msg("identify", anon=UA2, user="user-0001"),
            ],
            mode,
        )
    )
    assert "W063" not in rules(
        feed(
            [
                msg("identify", anon=UA1, user="user-0001"),
                msg("page", anon=UA2),
                msg("alias", prev=UA2, user="user-0001"),
            ]
        )
    )


def test_e064_alias_target_already_mapped() -> None:
    g = feed(
        [
            msg("page", anon=UA1),
            msg("alias", prev=UA1, user="user-0001"),
            msg("page", anon=UA2),
            msg("alias", prev=UA2, user="user-0001"),
        ],
        "mixpanel-legacy",
    )
    w = warning(g, "E064")
    assert w["severity"] == "error"
    assert w["identifiers"] == [UA2, "user-0001"] and w["messageIds"] == ["m4"]
    assert edges(g)[-1] == (UA2, "user-0001", "alias", "blocked")


def test_e064_previous_id_already_belongs_to_another_user() -> None:
    g = feed(
        [
            msg("page", anon=UA1),
            msg("alias", prev=UA1, user="user-0001"),
            msg("alias", prev=UA1, user="user-0002"),
        ],
        "mixpanel-original",
    )
    assert warning(g, "E064")["messageIds"] == ["m3"]
    assert groups(g) == [{UA1, "user-0001"}, {"user-0002"}]


def test_w065_self_alias_is_a_noop() -> None:
    g = feed([msg("alias", prev="user-0001", user="user-0001")])
    w = warning(g, "W065")
    assert w["identifiers"] == ["user-0001"] and w["messageIds"] == ["m1"]
    assert edges(g) == [("user-0001", "user-0001", "alias", "no-op")]


def test_i011_redundant_alias() -> None:
    g = feed(
        [
            msg("identify", anon="anon-0001", user="user-0001"),
            msg("alias", prev="anon-0001", user="user-0001"),
        ]
    )
    w = warning(g, "I011")
    assert w["severity"] == "info"
    assert "redundant" in w["message"] and w["messageIds"] == ["m2"]
    assert edges(g)[-1] == ("anon-0001", "user-0001", "alias", "redundant")


def test_w066_long_alias_chain() -> None:
    chain = [f"user-{i:04d}" for i in range(6)]
    messages = [msg("track", user=u, event="E") for u in chain]
    messages += [msg("alias", prev=chain[i], user=chain[i + 1]) for i in range(5)]
    g = feed(messages)
    w = warning(g, "W066")
    assert w["message"].startswith("Alias chain of 5 hops")
    assert w["identifiers"] == chain or w["identifiers"] == chain[::-1]
    assert w["messageIds"] == ["m10", "m11"]  # 4 hops at m10, 5 hops at m11
    short = feed(messages[:9])  # 3 hops: fine
    assert "W066" not in rules(short)


def test_w067_unify_anon_limit_warns_in_default_and_blocks_in_segment() -> None:
    messages = [msg("identify", anon=f"device-{i}", user="user-0001") for i in range(7)]
    g = feed(messages)
    w = warning(g, "W067")
    assert "5 anonymousIds" in w["message"] and w["messageIds"] == ["m6", "m7"]
    assert len(groups(g)) == 1
    s = feed(messages, "segment")
    assert [e[3] for e in edges(s)] == ["applied"] * 5 + ["blocked"] * 2
    assert len(groups(s)) == 3
    assert [w["messageIds"] for w in s.snapshot()["warnings"] if w["rule"] == "W067"] == [
        ["m6"],
        ["m7"],
    ]


def test_w067_mixpanel_original_500_ids() -> None:
    anons = [str(uuid.UUID(int=i + 1, version=4)) for i in range(500)]
    messages = [msg("identify", anon=a, user="user-0001") for a in anons]
    g = feed(messages, "mixpanel-original")
    assert [e[3] for e in edges(g)][-2:] == ["applied", "blocked"]
    w = warning(g, "W067")
    assert "500 ids" in w["message"] and w["messageIds"] == ["m500"]
    assert g.snapshot(user="user-0001")["people"][0]["identifiers"].__len__() == 500


def test_w069_names_mode_and_reason() -> None:
    g = feed([msg("identify", anon="not-a-uuid", user="user-0001")], "mixpanel-original")
    w = warning(g, "W069")
    assert w["message"] == (
        "mixpanel-original would not merge not-a-uuid and user-0001: $anon_id is not UUIDv4-shaped"
    )
    assert w["messageIds"] == ["m1"]
    assert "W069" not in rules(feed([msg("identify", anon="not-a-uuid", user="user-0001")]))


def test_w069_repeats_add_message_ids_not_warnings() -> None:
    g = feed([msg("track", anon="anon-0001", user="user-0001", event="E")] * 3, "posthog")
    w = warning(g, "W069")
    assert w["messageIds"] == ["m1", "m2", "m3"] and w["count"] == 3
    assert len(g.edges()) == 1 and g.edges()[0]["count"] == 3


def test_w074_kissmetrics_squishing() -> None:
    users = [f"user-{i:04d}" for i in range(5)]
    messages = [msg("identify", anon="anonymous-device", user=u) for u in users]
    g = feed(messages, "kissmetrics")
    w = warning(g, "W074")
    assert "squishing" in w["message"] and w["messageIds"] == ["m4", "m5"]
    assert len(groups(g)) == 1
    assert "W074" not in rules(feed(messages))  # kissmetrics only


def test_w075_posthog_cannot_merge_already_identified() -> None:
    g = feed(
        [
            msg("identify", anon="anon-0001", user="user-0001"),
            msg("track", user="user-0002", event="E"),
            msg("identify", anon="anon-0001", user="user-0002"),
        ],
        "posthog",
    )
    w = warning(g, "W075")
    assert w["identifiers"] == ["anon-0001", "user-0002"] and w["messageIds"] == ["m3"]


@pytest.mark.parametrize(
    ("uid", "kind"), [("jane@example.com", "email"), ("+1 415 555 0100", "phone")]
)
def test_w077_pii_user_id(uid: str, kind: str) -> None:
    g = feed([msg("identify", user=uid)])
    w = warning(g, "W077")
    assert w["identifiers"] == [uid] and w["messageIds"] == ["m1"]
    assert "W077" not in rules(feed([msg("identify", user="1205119")]))


def test_i012_alias_in_segment_mode() -> None:
    g = feed(
        [msg("page", anon="anon-0001"), msg("alias", prev="anon-0001", user="user-0001")], "segment"
    )
    assert warning(g, "I012")["messageIds"] == ["m2"]
    assert edges(g) == [("anon-0001", "user-0001", "alias", "no-op")]


def test_i013_namespace_collisions() -> None:
    g = feed(
        [
            msg("track", user="same-value", event="E"),
            msg("page", anon="same-value"),
            msg("group", user="acme-inc", groupId="acme-inc"),
        ]
    )
    found = [w for w in g.snapshot()["warnings"] if w["rule"] == "I013"]
    assert [(w["identifiers"], w["messageIds"]) for w in found] == [
        (["same-value", "same-value"], ["m2"]),
        (["acme-inc"], []),
    ]
    assert "groupId" in found[1]["message"]


def test_i014_identity_regression() -> None:
    g = feed(
        [
            msg("identify", anon="anon-0001", user="user-0001"),
            msg("track", anon="anon-0001", event="E"),
            msg("track", anon="anon-0001", event="E"),
        ]
    )
    w = warning(g, "I014")
    assert w["identifiers"] == ["anon-0001", "user-0001"]
    assert w["messageIds"] == ["m2", "m3"]
    assert "I014" not in rules(
        feed(
            [
                msg("track", anon="anon-0001", event="E"),
                msg("identify", anon="anon-0001", user="user-0001"),
            ]
        )
    )


def test_user_filter_keeps_only_the_persons_warnings() -> None:
    g = feed(
        [
            msg("track", anon="ipad-0001", user="user-aaa", event="E"),
            msg("track", anon="ipad-0001", user="user-bbb", event="E"),
            msg("identify", user="jane@example.com"),
            msg("alias", prev="user-ccc", user="user-ccc"),
        ]
    )
    assert [w["rule"] for w in g.snapshot(user="user-bbb")["warnings"]] == ["W060", "W069"]
    assert [w["rule"] for w in g.snapshot(user="jane@example.com")["warnings"]] == ["W077"]
    assert [w["rule"] for w in g.snapshot(user="user-ccc")["warnings"]] == ["W065"]
    assert g.snapshot(user="nobody") == {"people": [], "warnings": []}
