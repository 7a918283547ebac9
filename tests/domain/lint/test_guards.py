"""The guards asked in one pass (:mod:`inspector.domain.lint.guards`) answer as each guard
of :mod:`inspector.domain.lint.fastpath` asked in turn; the pieces they use instead of the
plain checks' (ISO_RE split in two, the placeholder test of an id) answer as those."""

from __future__ import annotations

import random
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.domain.lint import LintEngine
from inspector.domain.lint.context import Ctx
from inspector.domain.lint.fastpath import GUARDS, _id_fine
from inspector.domain.lint.guards import head, masker, utc
from inspector.domain.lint.rules_envelope import placeholder
from inspector.domain.lint.values import ISO_RE
from tests.domain.lint.test_fastpath_batches import corpus, events_of
from tests.domain.lint.test_fused import adversarial


def test_combined_guards_answer_as_each_guard() -> None:
    """The mask of the combined guards equals asking each guard in turn, for every subset
    of the guards a plan may use."""
    names = list(GUARDS)
    engine = LintEngine()
    x: Ctx = engine._ctx
    msgs = corpus(seed=23)[:600] + adversarial()
    for subset in range(1, 1 << len(names)):
        bits = {g: 1 << i for i, g in enumerate(names) if subset >> i & 1}
        mask = masker(bits)
        for ev in events_of(msgs, 1795343628.0):
            m = ev.message
            for original in (None, {"type": "track"}):
                x.original = original
                hd = head(tuple(m)) if original is None else None
                want = sum(b for g, b in bits.items() if not GUARDS[g](m, x))
                assert mask(m, x, hd, []) == want, (bits, m, original)
    x.original = None


_TS_CHARS = "0123456789-T:.Z+ z\u0663"


def _timestamps() -> list[str]:
    rng = random.Random(5)
    base = ["2026-11-22T10:31:19.522Z", "2026-11-22T10:31:19Z", "2026-02-30T23:59:59.1Z"]
    base += ["2026-13-01T00:00:00Z", "2026-11-22T24:00:00.000Z", "2026-11-22T10:31:19.Z"]
    base += ["2026-11-22T10:31:19.1234567890Z", "2026-11-22T10:31Z", "2026-11-22 10:31:19.5Z"]
    base += ["\u0662026-11-22T10:31:19.522Z", "2026-11-22T10:31:19+00:00", "2099-01-01T00:00:00Z"]
    out = list(base)
    for b in base:
        for _ in range(40):
            s = list(b)
            s[rng.randrange(len(s))] = rng.choice(_TS_CHARS)
            out.append("".join(s))
    return out


def _utc_by_regex(v: Any, future_iso: str) -> bool:
    """The times guard's test of one field, as fastpath.times words it."""
    if type(v) is not str or len(v) < 20 or v[-1] != "Z" or v[19] not in ".Z":
        return False
    return not (v[:19] > future_iso or ISO_RE.fullmatch(v) is None)


def test_utc_answers_as_iso_re() -> None:
    for future in ("2026-11-22T10:36:19", "2100-01-01T00:00:00"):
        for v in _timestamps():
            assert utc(v, future) == _utc_by_regex(v, future), v


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TS_CHARS, min_size=18, max_size=32))
def test_utc_answers_as_iso_re_generated(v: str) -> None:
    assert utc(v, "2100-01-01T00:00:00") == _utc_by_regex(v, "2100-01-01T00:00:00")


def _id_fine_plain(v: Any) -> bool:
    if type(v) is not str or not v or v[0].isspace() or v[-1].isspace():
        return False
    return not placeholder(v)


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="0-'\" nNuUlLaAx\t\u00a0", max_size=24)
    | st.sampled_from(["null", "'NULL'", "Undefined", "0000", "-1", "id", "n/a", "x" * 21])
)
def test_id_fine_answers_as_placeholder(v: str) -> None:
    assert _id_fine(v) == _id_fine_plain(v)
    assert _id_fine("0-" * 11 + v) == _id_fine_plain("0-" * 11 + v)


def test_the_split_pattern_is_iso_re() -> None:
    """ISO_SECONDS_RE + ISO_UTC_TAIL_RE are ISO_RE's pieces (a change to one shows here)."""
    from inspector.domain.lint.values import ISO_SECONDS_RE, ISO_UTC_TAIL_RE

    assert ISO_RE.pattern.startswith(ISO_SECONDS_RE.pattern[: -len(":[0-5]\\d")])
    assert re.fullmatch(ISO_UTC_TAIL_RE, ".123456789Z") and not re.fullmatch(ISO_UTC_TAIL_RE, ".Z")
