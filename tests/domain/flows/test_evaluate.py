"""The flow rule on positions: a brute-force oracle and order properties (hypothesis)."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.domain.flows import Hit, evaluate_hits, walk

# an event stream: each event is (person, set of steps it matches)
streams = st.lists(
    st.tuples(st.sampled_from(["p1", "p2"]), st.sets(st.integers(0, 3), max_size=2)),
    max_size=12,
)
step_counts = st.integers(1, 4)


def hits_of(stream: list[tuple[str, set[int]]], n: int) -> list[list[Hit]]:
    return [
        [Hit(pos, pos, person) for pos, (person, steps) in enumerate(stream) if i in steps]
        for i in range(n)
    ]


def oracle(stream: list[tuple[str, set[int]]], n: int) -> bool:
    """Some person has events e1 < … < en with ei matching step i (exhaustive search)."""
    for person in {p for p, _ in stream}:
        mine = [(pos, s) for pos, (p, s) in enumerate(stream) if p == person]
        for chosen in combinations(mine, n):
            if all(i in s for i, (_, s) in enumerate(chosen)):
                return True
    return False


@settings(max_examples=300)
@given(streams, step_counts)
def test_passes_exactly_when_some_person_did_the_steps_in_order(stream, n):
    runs = evaluate_hits(hits_of(stream, n))
    passed = bool(runs) and runs[0].passed
    assert passed == oracle(stream, n)


@settings(max_examples=200)
@given(streams, step_counts)
def test_matches_are_in_order_one_person_first_after_the_previous(stream, n):
    step_hits = hits_of(stream, n)
    for run in evaluate_hits(step_hits):
        cursor = -1
        for i, o in enumerate(run.outcomes):
            mine = [h for h in step_hits[i] if h.person == run.person]
            if o.status == "matched":
                assert o.hit.person == run.person and o.hit.position > cursor
                # the first matching event after the previous match
                assert o.hit == min(
                    (h for h in mine if h.position > cursor), key=lambda h: h.position
                )
                cursor = o.hit.position
            elif o.status == "out_of_order":
                assert mine and all(h.position <= cursor for h in mine)
            else:
                assert not mine


@given(streams, step_counts)
def test_events_matching_no_step_change_nothing(stream, n):
    before = [
        (r.person, [(o.status, o.hit) for o in r.outcomes])
        for r in evaluate_hits(hits_of(stream, n))
    ]
    noisy = []
    shift = {}
    for pos, item in enumerate(stream):
        shift[pos] = len(noisy)
        noisy.append(item)
        noisy.append(("p1", set()))  # an unrelated event after each one
    after = evaluate_hits(hits_of(noisy, n))
    assert [(r.person, [o.status for o in r.outcomes]) for r in after] == [
        (p, [s for s, _ in outs]) for p, outs in before
    ]


def test_reversed_steps_are_out_of_order_not_missing():
    # steps A, B; the person sent B then A
    run = walk("p", [[Hit(2, 2, "p")], [Hit(1, 1, "p")]])
    assert [o.status for o in run.outcomes] == ["matched", "out_of_order"]
    assert run.outcomes[1].hit.event_id == 1


def test_a_missing_step_leaves_the_cursor_for_the_next():
    run = walk("p", [[Hit(1, 1, "p")], [], [Hit(3, 3, "p")]])
    assert [o.status for o in run.outcomes] == ["matched", "missing", "matched"]


def test_one_event_never_matches_two_steps():
    same = Hit(1, 1, "p")
    run = walk("p", [[same], [same]])
    assert [o.status for o in run.outcomes] == ["matched", "out_of_order"]


def test_best_person_first_and_nobody_is_skipped():
    hits = [[Hit(1, 1, "a"), Hit(2, 2, None)], [Hit(3, 3, "b")], [Hit(4, 4, "b")]]
    runs = evaluate_hits(hits)
    assert [r.person for r in runs] == ["b", "a"]
    assert [o.status for o in runs[0].outcomes] == ["missing", "matched", "matched"]
