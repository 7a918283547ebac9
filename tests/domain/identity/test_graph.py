"""Graph behaviour: canonical ids, verdicts, determinism, queries, snapshot and timeline shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from inspector.domain.capture import epoch_iso
from inspector.domain.identity import IdentityGraph, replay
from tests.domain.identity.helpers import T0, WORKED, edges, events, feed, groups, msg

ROOT = Path(__file__).resolve().parents[3]


# ---------------------------------------------------------------- canonical id
def test_canonical_is_the_first_user_id_even_when_an_anon_came_first() -> None:
    g = feed([msg("page", anon="anon-0001"), msg("identify", anon="anon-0001", user="user-0001")])
    assert g.person_of("anon-0001") == "user-0001"
    assert g.snapshot()["people"][0]["canonicalKind"] == "userId"


def test_canonical_is_the_earliest_user_not_the_alias_target() -> None:
    base = [msg("track", user="early-user", event="E"), msg("track", user="late-user", event="E")]
    for alias in (
        msg("alias", prev="late-user", user="early-user"),
        msg("alias", prev="early-user", user="late-user"),
    ):
        g = feed([*base, alias])
        assert g.person_of("late-user") == g.person_of("early-user") == "early-user"


def test_canonical_without_user_is_the_first_anon_and_ties_are_lexicographic() -> None:
    assert (
        feed([msg("page", anon="anon-zz"), msg("page", anon="anon-aa")]).person_of("anon-zz")
        == "anon-zz"
    )
    # both users first seen in the same message: the smaller value wins, never a random one
    g = feed([msg("alias", prev="zed-user", user="amy-user")])
    assert g.person_of("zed-user") == "amy-user"


def test_canonical_survives_merge_direction() -> None:
    # the big component (many anons) is merged into by a small one holding the older user
    msgs = [msg("track", user="first-user", event="E")]
    msgs += [msg("identify", anon=f"device-{i}", user="second-user") for i in range(4)]
    msgs.append(msg("alias", prev="second-user", user="first-user"))
    g = feed(msgs)
    assert g.person_of("device-3") == "first-user"


# ---------------------------------------------------------------- verdicts and edges
def test_all_four_verdicts_with_call_and_message() -> None:
    g = feed(
        [
            msg("identify", anon="anon-0001", user="user-0001"),  # applied
            msg("track", anon="anon-0001", user="user-0001", event="E"),  # same pair: count
            msg("alias", prev="anon-0001", user="user-0001"),  # redundant
            msg("alias", prev="user-0001", user="user-0001"),  # no-op (self)
            msg("identify", anon="anon-0001", user="user-0002"),
        ]
    )  # blocked
    got = [
        (e["from"], e["to"], e["call"], e["messageId"], e["verdict"], e["count"]) for e in g.edges()
    ]
    assert got == [
        ("anon-0001", "user-0001", "identify", "m1", "applied", 2),
        ("anon-0001", "user-0001", "alias", "m3", "redundant", 1),
        ("user-0001", "user-0001", "alias", "m4", "no-op", 1),
        ("anon-0001", "user-0002", "identify", "m5", "blocked", 1),
    ]
    reasons = [e["reason"] for e in g.edges()]
    assert reasons[0] is None and "same person" in reasons[1] and "self-alias" in reasons[2]
    e = g.edges()[0]
    assert e["kind"] == "identify" and e["fromKind"] == "anonymousId"
    assert e["toKind"] == "userId" and e["at"] == epoch_iso(T0 + 1)


def test_blocked_pair_becomes_redundant_after_a_later_merge() -> None:
    g = feed(
        [
            msg("identify", anon="anon-0001", user="user-0001"),
            msg("track", anon="anon-0001", user="user-0002", event="E"),  # blocked
            msg("alias", prev="user-0002", user="user-0001"),  # applied
            msg("track", anon="anon-0001", user="user-0002", event="E"),
        ]
    )  # now redundant
    assert edges(g) == [
        ("anon-0001", "user-0001", "identify", "applied"),
        ("anon-0001", "user-0002", "track", "blocked"),
        ("user-0002", "user-0001", "alias", "applied"),
        ("anon-0001", "user-0002", "track", "redundant"),
    ]


def test_implicit_edges_merge_in_default_only_on_events_with_both_ids() -> None:
    g = feed(
        [
            msg("page", anon="anon-0001", user="user-0001", name="Home"),
            msg("group", anon="anon-0002", groupId="acme-0001"),
        ]
    )
    assert groups(g) == [{"user-0001", "anon-0001"}, {"anon-0002"}]
    assert edges(g) == [("anon-0001", "user-0001", "page", "applied")]
    assert g.snapshot(user="anon-0002")["people"][0]["groups"] == ["acme-0001"]


def test_non_string_ids_are_stringified_and_missing_ids_ignored() -> None:
    g = feed(
        [
            msg("identify", anon="anon-0001", user=12345),
            msg("track", event="orphan"),
            msg("track", user="", anon="anon-0001", event="E"),
        ]
    )
    assert g.identifiers_of("12345") == {"12345", "anon-0001"}
    assert g.event_ids_of("12345") == [1, 3]


# ---------------------------------------------------------------- queries
def test_lookups_and_unknown_values() -> None:
    g = feed(WORKED)
    assert g.identifiers_of("anon-A2") == {"anon-A1", "anon-A2", "user-U1", "user-U2"}
    assert g.identifiers_of("who") == set()
    assert g.person_of("who") is None
    assert g.event_ids_of("who") == []
    assert g.event_ids_of("user-U2") == [1, 2, 3, 4, 5, 6]


def test_event_ids_in_arrival_order_after_merging_interleaved_people() -> None:
    g = feed(
        [
            msg("track", user="user-b", event="E"),  # 1
            msg("page", anon="anon-a"),  # 2
            msg("track", user="user-b", event="E"),  # 3
            msg("page", anon="anon-a"),  # 4
            msg("identify", anon="anon-a", user="user-b"),
        ]
    )  # 5
    assert g.event_ids_of("anon-a") == [1, 2, 3, 4, 5]


def test_snapshot_shape_and_user_filter() -> None:
    g = feed([*WORKED[:5], msg("page", anon="other-anon")])
    full = g.snapshot()
    assert [p["canonical"] for p in full["people"]] == ["user-U1", "user-U2", "other-anon"]
    p = full["people"][0]
    assert {"canonical", "identifiers", "edges", "events"} <= set(p)
    ident = p["identifiers"][0]
    assert ident == {
        "kind": "anonymousId",
        "value": "anon-A1",
        "firstSeen": epoch_iso(T0 + 1),
        "lastSeen": epoch_iso(T0 + 5),
        "events": 3,
    }
    assert {"from", "to", "call", "messageId", "verdict", "reason"} <= set(p["edges"][0])
    assert p["firstSeen"] == epoch_iso(T0 + 1) and p["lastSeen"] == epoch_iso(T0 + 4)
    assert {"rule", "message", "identifiers", "messageIds"} <= set(full["warnings"][0])

    only = g.snapshot(user="user-U2")
    assert [x["canonical"] for x in only["people"]] == ["user-U2"]
    # the blocked edge shows on both people it concerns
    assert [e["verdict"] for e in only["people"][0]["edges"]] == ["blocked"]
    assert [w["rule"] for w in only["warnings"]] == ["W060", "W069"]
    assert g.snapshot(user="other-anon")["warnings"] == []
    assert json.loads(json.dumps(full)) == full


def test_people_rows() -> None:
    g = feed([*WORKED[:5], msg("page", anon="other-anon")])
    rows = g.people_rows()
    assert [(r["canonical"], r["ids"], r["events"], r["warnings"]) for r in rows] == [
        ("user-U1", 3, 4, 2),
        ("user-U2", 1, 1, 2),
        ("other-anon", 1, 1, 0),
    ]
    assert rows[0]["firstSeen"] == epoch_iso(T0 + 1)
    assert rows[0]["lastSeen"] == epoch_iso(T0 + 4)


def test_timeline_structure() -> None:
    g = feed(WORKED)
    t = g.timeline("anon-A1")
    assert t["canonical"] == "user-U1" and t["events"] == 6
    assert [(lane["value"], lane["canonical"]) for lane in t["lanes"]] == [
        ("user-U1", True),
        ("anon-A1", False),
        ("anon-A2", False),
        ("user-U2", False),
    ]
    primary = [[m["eventId"] for m in lane["marks"] if not m["secondary"]] for lane in t["lanes"]]
    assert primary == [[2, 4, 6], [1], [3], [5]]
    secondary = [[m["eventId"] for m in lane["marks"] if m["secondary"]] for lane in t["lanes"]]
    assert secondary == [[], [2, 5], [4], [6]]
    mark = t["lanes"][2]["marks"][0]
    assert mark == {
        "eventId": 3,
        "seq": 2,
        "time": epoch_iso(T0 + 3),
        "ts": T0 + 3,
        "type": "track",
        "label": "Viewed",
        "secondary": False,
    }
    assert [(m["messageId"], m["lanes"]) for m in t["merges"]] == [
        ("m2", [1, 0]),
        ("m4", [2, 0]),
        ("m6", [3, 0]),
    ]
    assert [(e["messageId"], e["verdict"], e["lanes"]) for e in t["edges"]] == [
        ("m5", "blocked", [1, 3])
    ]
    assert t["merges"][0]["time"] == epoch_iso(T0 + 2)
    assert g.timeline("nobody") == {
        "canonical": None,
        "lanes": [],
        "merges": [],
        "edges": [],
        "events": 0,
    }


def test_timeline_edge_to_another_person() -> None:
    g = feed(WORKED[:5])
    t = g.timeline("user-U2")
    assert [e["otherPerson"] for e in t["edges"]] == ["user-U1"]
    assert t["edges"][0]["lanes"] == [None, 0]
    # on U1's side the blocked identify shows as a foreign mark on the anon-A1 lane
    u1 = g.timeline("user-U1")
    a1 = next(lane for lane in u1["lanes"] if lane["value"] == "anon-A1")
    assert [(m["eventId"], m["secondary"], m.get("otherPerson")) for m in a1["marks"]] == [
        (1, False, None),
        (2, True, None),
        (5, True, "user-U2"),
    ]
    assert a1["events"] == 3 and a1["lastSeen"] == epoch_iso(T0 + 5)
    assert u1["events"] == 4


# ---------------------------------------------------------------- determinism
def test_observe_and_observe_message_and_replay_agree() -> None:
    evs = events(WORKED)
    a = IdentityGraph()
    for ev in evs:
        a.observe(ev)
    assert a.snapshot() == feed(WORKED).snapshot()
    assert replay(evs, "posthog").snapshot() == feed(WORKED, "posthog").snapshot()


def test_same_input_same_snapshot_across_runs_and_hash_seeds() -> None:
    # run with cwd=ROOT: ``python -c`` puts the working directory first on sys.path
    script = textwrap.dedent("""
        import json
        from tests.domain.identity.helpers import WORKED, feed, msg
        extra = [msg("track", anon=f"ipad-{i % 7}", user=f"User-{i % 11}", event="E")
                 for i in range(200)]
        extra += [msg("alias", prev=f"User-{i}", user=f"User-{i + 1}") for i in range(10)]
        out = {}
        for m in ("default", "posthog", "kissmetrics", "segment"):
            g = feed(WORKED + extra, m)
            out[m] = [g.snapshot(), g.people_rows(), g.timeline("User-3")]
        print(json.dumps(out, sort_keys=True))
    """)
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        outs.append(r.stdout)
    assert outs[0] == outs[1]
    assert len(outs[0]) > 1000
    assert json.loads(outs[0])["default"][0]["warnings"]
