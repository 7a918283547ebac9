"""Page, screen, identify, group and alias calls in one pass, as :mod:`clean_track` does for
a track call: the guards, then the plan of checks that runs when every guard holds, with
each field of the message read once.

The plans (the default configuration's) are, per call type:

- page, screen: ``context_fields, property_keys, page_fields, bookkeeping``
- identify: ``detect_b2b, context_fields, property_keys, identify_traits, email_trait,
  bookkeeping, context_traits`` (the quiet-context guard never holds for identify or group)
- group: ``detect_b2b, context_fields, property_keys, group_traits, bookkeeping,
  context_traits``
- alias: ``context_fields, property_keys, bookkeeping``

:func:`whole_call` answers -1 when it linted the message itself, else the combined guards'
mask, having changed nothing (a message it is not sure of: context traits or a context
groupId, a ``name`` or ``event`` that is not a string...). The checks that keep no state
(page_fields, the reserved-trait checks, email_trait) are run whole whenever what their
shape decides leaves any doubt, so their findings and words stay theirs.
``tests/domain/lint/test_clean_calls.py`` compares it with the engine before fusing, finding
by finding and state after each event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspector.domain.lint import session
from inspector.domain.lint.clean_track import Whole, known_context
from inspector.domain.lint.context import Ctx
from inspector.domain.lint.fastpath import (
    _id_fine,
)
from inspector.domain.lint.fused import _EVENT_KEYS, bookkeeping, count_shape
from inspector.domain.lint.guards import Masker, ids_clean, times_clean
from inspector.domain.lint.registry import CheckFn
from inspector.domain.lint.rules_context import context_fields
from inspector.domain.lint.rules_names import property_keys
from inspector.domain.lint.rules_payload import (
    CASE_PAIRS,
    GROUP_TRAITS,
    IDENTIFY_TRAITS,
    PAGE_PROPS,
    _id,
    _num_or_numeric,
    _o,
    _s,
    email_trait,
    group_traits,
    identify_traits,
    page_fields,
)
from inspector.domain.lint.values import is_date_like, is_email, is_number

Out = list[tuple[str, str, str | None]]
_NONE = type(None)
_MEMO_MAX = 4096
# the plan each one-pass function stands for (with every guard holding)
PLANS: dict[str, tuple[CheckFn, ...]] = {
    "page": (context_fields, property_keys, page_fields, bookkeeping),
    "screen": (context_fields, property_keys, page_fields, bookkeeping),
    "identify": (
        session.detect_b2b,
        context_fields,
        property_keys,
        identify_traits,
        email_trait,
        bookkeeping,
        session.context_traits,
    ),
    "group": (
        session.detect_b2b,
        context_fields,
        property_keys,
        group_traits,
        bookkeeping,
        session.context_traits,
    ),
    "alias": (context_fields, property_keys, bookkeeping),
}


def _by_type(fn: Callable[[Any], bool], t: type) -> bool | None:
    """What a reserved-trait test answers for any value of type ``t`` (None: the value
    decides, or the test is not one known here)."""
    if t is _NONE:
        return True  # (a None value is not tested)
    if fn is _s:
        return t is str
    if fn is _o:
        return t is dict
    if fn is _id:
        return t is str or t is int or t is float
    if fn is is_number:
        return t is int or t is float
    if fn is is_date_like:
        return None if t is str else False
    if fn is _num_or_numeric:
        return True if t is int or t is float else (None if t is str else False)
    return None


# (call type, keys, value types) -> the values to test (position, test), or None: the
# types alone fail a test, or two traits of a case pair are both there (the check runs)
_TRAITS: dict[tuple[Any, ...], tuple[tuple[int, Callable[[Any], bool]], ...] | None] = {}


def trait_plan(
    table: dict[str, tuple[Any, str]], pairs: bool, keys: tuple[str, ...], types: tuple[type, ...]
) -> tuple[tuple[int, Callable[[Any], bool]], ...] | None:
    needs = []
    for i, (k, t) in enumerate(zip(keys, types, strict=True)):
        spec = table.get(k)
        if spec is None:
            continue
        ok = _by_type(spec[0], t)
        if ok is None:
            needs.append((i, spec[0]))
        elif not ok:
            return None
    if pairs:
        for a, b in CASE_PAIRS:
            if a in keys and b in keys:
                return None
    return tuple(needs)


# (keys, value types) of a page call's properties -> page_fields has nothing to say of them
_PAGE_OK: dict[tuple[Any, ...], bool] = {}


def page_props_ok(keys: tuple[str, ...], types: tuple[type, ...]) -> bool:
    return "keywords" not in keys and all(
        t is str or t is _NONE for k, t in zip(keys, types, strict=True) if k in PAGE_PROPS
    )


def whole_call(t: str, mask: Masker) -> Whole:
    """The plan :data:`PLANS` [``t``] of a call whose guards all hold, in one function;
    ``mask``: the combined guards (for anything else)."""
    page = t == "page" or t == "screen"
    is_page = t == "page"
    identify = t == "identify"
    group = t == "group"
    alias = t == "alias"
    key_ok = 2 if page else 1 if group else 4 if alias else 3  # (the head's condition)
    path = "traits" if identify or group else "properties"
    ev_key = _EVENT_KEYS.get(t)  # (property_types_later counts under it; alias: not)
    table = IDENTIFY_TRAITS if identify else GROUP_TRAITS if group else None
    traits_check = identify_traits if identify else group_traits
    remember = session.remember_message_id
    user_ids = session.near_identical_user_ids
    # the last context answered from context_fields' memo: its JSON and its findings
    last: list[Any] = [b"", ()]

    def run(m: dict[str, Any], x: Ctx, hd: Any, out: Out) -> int:
        # -- the guards (any doubt: the combined guards answer, nothing was changed)
        if hd is None or not hd[key_ok] or m.get("type") != t:
            return mask(m, x, hd, out)
        c = m.get("context")
        if c is not None and (type(c) is not dict or "traits" in c or c.get("groupId") is not None):
            return mask(m, x, hd, out)
        if not times_clean(m, x):
            return mask(m, x, hd, out)
        mid = m.get("messageId")
        if type(mid) is not str or not 0 < len(mid) <= 100:
            return mask(m, x, hd, out)
        uid = m.get("userId")
        aid = m.get("anonymousId")
        if (alias and uid is None) or not ids_clean(uid, aid):
            return mask(m, x, hd, out)
        gid = m.get("groupId")
        if group and (not _id_fine(gid) or len(gid) > 500):  # type: ignore[arg-type]
            return mask(m, x, hd, out)
        prev_id = m.get("previousId")
        if alias and not _id_fine(prev_id):
            return mask(m, x, hd, out)
        name = m.get("name")  # (hashed by message_id_reuse: a string or nothing)
        if name is not None and type(name) is not str:
            return mask(m, x, hd, out)
        event = m.get("event")
        if event is not None and type(event) is not str:
            return mask(m, x, hd, out)
        props = m.get("properties")
        if props is not None and type(props) is not dict:
            return mask(m, x, hd, out)
        tr = m.get("traits")
        if tr is not None and type(tr) is not dict:
            return mask(m, x, hd, out)
        p = m.get("integrations")
        if p is not None and type(p) is not dict:
            return mask(m, x, hd, out)
        # -- every guard holds: the plan
        st = x.state
        if group and not st.b2b:  # detect_b2b (for identify: no context groupId, nothing)
            st.b2b = True
        if c:  # context_fields
            known_context(c, last, m, x, out)
        obj = props if path == "properties" else tr
        keys: tuple[str, ...] = ()
        vals: tuple[Any, ...] = ()
        types: tuple[type, ...] = ()
        if obj:  # property_keys: a key set seen before answers as it did
            keys = tuple(obj)
            seen = st.key_sigs.get((path, keys))
            if seen is None:
                property_keys(m, x, out)
            elif seen:
                out.extend(seen)
            vals = tuple(obj.values())
            types = tuple(map(type, vals))
        if page:  # page_fields, run whole where the shape leaves any doubt
            cat = m.get("category")
            pname = props.get("name") if props else None
            if (
                (cat is not None and type(cat) is not str)
                or not (name or pname)
                or (is_page and props and not _page_ok(keys, types))
            ):
                page_fields(m, x, out)
        elif table is not None and obj:  # the reserved traits, then (identify) the email
            memo = (t, keys, types)
            try:
                needs = _TRAITS[memo]
            except KeyError:
                if len(_TRAITS) >= _MEMO_MAX:
                    _TRAITS.clear()
                needs = _TRAITS[memo] = trait_plan(table, identify, keys, types)
            if needs is None:
                traits_check(m, x, out)
            else:
                for i, test in needs:
                    if not test(vals[i]):
                        traits_check(m, x, out)
                        break
            if identify:
                e = obj.get("email")
                if e is not None and e != "" and not is_email(e):
                    email_trait(m, x, out)
        # -- the bookkeeping: message_id_reuse, near_identical_user_ids,
        # property_types_later
        ev = x.event
        if ev is None or not ev.generated_message_id:
            fp = hash(
                (
                    t,
                    event,
                    name,
                    uid,
                    aid,
                    gid,
                    prev_id,
                    m.get("timestamp") or m.get("originalTimestamp"),
                )
            )
            remember(mid, fp, m, x, out)
        if uid and uid not in st.user_ids:
            user_ids(m, x, out)
        if obj and ev_key is not None:
            count_shape(m, x, out, ev_key, obj, (obj, keys, types))
        if identify:  # context_traits: the trait keys this actor's identify sent
            actor = uid or aid
            if type(actor) is str:
                ident = st.identified
                have = ident.get(actor)
                if have is None:
                    have = ident[actor] = set()
                    session._trim(ident)
                if tr is not None:
                    have.update(tr)
        return -1

    return run


def _page_ok(keys: tuple[str, ...], types: tuple[type, ...]) -> bool:
    memo = (keys, types)
    ok = _PAGE_OK.get(memo)
    if ok is None:
        if len(_PAGE_OK) >= _MEMO_MAX:
            _PAGE_OK.clear()
        ok = _PAGE_OK[memo] = page_props_ok(keys, types)
    return ok


def whole_for(
    t: str, mask: Masker, bits: dict[str, int], plans: dict[int, list[CheckFn]]
) -> Whole | None:
    """The one-pass function for call type ``t`` (not track) whose plan with the envelope
    and times guards holding (and the quiet-context guard: it holds for page, screen and
    alias calls without context traits, never for identify and group) is that of
    :data:`PLANS`, or None."""
    want = PLANS.get(t)
    if want is None:
        return None
    at = bits.get("quiet_context", 0) if t == "identify" or t == "group" else 0
    if tuple(plans[at]) != want:
        return None
    return whole_call(t, mask)
