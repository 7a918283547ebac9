"""Rules on traits and properties: reserved types, emails, revenue, key names, key counts."""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.registry import check
from inspector.domain.lint.values import (
    CURRENCY_RE,
    is_date_like,
    is_email,
    is_number,
    json_type,
    short,
)

Out = list[tuple[str, str, str | None]]


def _s(v: Any) -> bool:
    return type(v) is str


def _o(v: Any) -> bool:
    return type(v) is dict


def _num_or_numeric(v: Any) -> bool:
    return is_number(v) or (type(v) is str and v.strip().replace(".", "", 1).isdigit())


def _id(v: Any) -> bool:
    return type(v) is str or (type(v) in (int, float))


# reserved identify traits (S-IDENTIFY), camelCase and snake_case
IDENTIFY_TRAITS: dict[str, tuple[Any, str]] = {
    "address": (_o, "an object"),
    "age": (is_number, "a number"),
    "avatar": (_s, "a string"),
    "birthday": (is_date_like, "an ISO-8601 date"),
    "company": (_o, "an object"),
    "createdAt": (is_date_like, "an ISO-8601 date"),
    "created_at": (is_date_like, "an ISO-8601 date"),
    "id": (_id, "a string"),
    "name": (_s, "a string"),
}
for _k in [
    "description",
    "email",
    "firstName",
    "first_name",
    "gender",
    "lastName",
    "last_name",
    "phone",
    "title",
    "username",
    "website",
]:
    IDENTIFY_TRAITS[_k] = (_s, "a string")
GROUP_TRAITS: dict[str, tuple[Any, str]] = {
    "address": (_o, "an object"),
    "createdAt": (is_date_like, "an ISO-8601 date"),
    "created_at": (is_date_like, "an ISO-8601 date"),
    "employees": (_num_or_numeric, "a number"),
    "id": (_id, "a string"),
}
for _k in ["avatar", "description", "email", "industry", "name", "phone", "website", "plan"]:
    GROUP_TRAITS[_k] = (_s, "a string")
CASE_PAIRS = (("firstName", "first_name"), ("lastName", "last_name"), ("createdAt", "created_at"))
PAGE_PROPS = ("name", "path", "referrer", "search", "title", "url", "category")


def _traits_of(m: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    t = m.get("traits")
    if type(t) is dict and t:
        found.append(("traits", t))
    ctx = m.get("context")
    if type(ctx) is dict:
        ct = ctx.get("traits")
        if type(ct) is dict and ct:
            found.append(("context.traits", ct))
    return found


def _typed(
    traits: dict[str, Any],
    table: dict[str, tuple[Any, str]],
    path: str,
    rule: str,
    label: str,
    out: Out,
) -> None:
    for k, v in traits.items():
        spec = table.get(k)
        if spec is not None and v is not None and not spec[0](v):
            out.append(
                (
                    rule,
                    f"{label} {k} should be {spec[1]}, got {json_type(v)} {short(v, 24)!r}",
                    f"{path}.{k}",
                )
            )


@check("W015", "W016", types=("identify",))
def identify_traits(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for path, traits in _traits_of(m):
        _typed(traits, IDENTIFY_TRAITS, path, "W015", "Reserved trait", out)
        for a, b in CASE_PAIRS:
            if a in traits and b in traits and traits[a] != traits[b]:
                out.append(
                    (
                        "W016",
                        f"{a} and {b} disagree ({short(traits[a], 20)!r} vs "
                        f"{short(traits[b], 20)!r}); destinations get two traits",
                        f"{path}.{b}",
                    )
                )


@check("W020", types=("group",))
def group_traits(m: dict[str, Any], x: Ctx, out: Out) -> None:
    t = m.get("traits")
    if type(t) is dict and t:
        _typed(t, GROUP_TRAITS, "traits", "W020", "Group trait", out)


@check("W017", types=("identify", "track", "page", "screen", "alias"), guard="quiet_context")
def email_trait(m: dict[str, Any], x: Ctx, out: Out) -> None:
    if m.get("type") != "identify":
        ctx = m.get("context")
        if type(ctx) is not dict or "traits" not in ctx:
            return
    for path, traits in _traits_of(m):
        e = traits.get("email")
        if e is not None and e != "" and not is_email(e):
            out.append(
                ("W017", f"{path}.email {short(e)!r} is not a valid email address", f"{path}.email")
            )


@check("W021", "I003", types=("page", "screen"))
def page_fields(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in ("name", "category"):
        v = m.get(f)
        if v is not None and type(v) is not str:
            out.append(("W021", f"{f} should be a string, got {json_type(v)}", f))
    props = m.get("properties")
    pname = None
    if type(props) is dict and props:
        pname = props.get("name")
        if m.get("type") == "page":
            for f in PAGE_PROPS:
                v = props.get(f)
                if v is not None and type(v) is not str:
                    out.append(
                        (
                            "W021",
                            f"Page property {f} should be a string, got {json_type(v)}",
                            f"properties.{f}",
                        )
                    )
            kw = props.get("keywords")
            if kw is not None and not (type(kw) is list and all(type(k) is str for k in kw)):
                out.append(
                    (
                        "W021",
                        "Page property keywords should be an array of strings",
                        "properties.keywords",
                    )
                )
    if not m.get("name") and not pname:
        out.append(
            (
                "I003",
                f"Unnamed {m.get('type')}: give it a name so reports and plan "
                "violations can group it",
                "name",
            )
        )


@check("W023", types=("track",))
def revenue_currency(m: dict[str, Any], x: Ctx, out: Out) -> None:
    props = m.get("properties")
    if type(props) is not dict or not props:
        return
    for f in ("revenue", "value"):
        v = props.get(f)
        if v is not None and not is_number(v):
            out.append(
                (
                    "W023",
                    f"{f} must be a number, got {json_type(v)} {short(v)!r}",
                    f"properties.{f}",
                )
            )
    c = props.get("currency")
    if c is not None and not (type(c) is str and CURRENCY_RE.fullmatch(c)):
        out.append(
            (
                "W023",
                f"currency {short(c)!r} is not an ISO-4217 code (e.g. USD)",
                "properties.currency",
            )
        )


@check("W026", types=("track",))
def missing_currency(m: dict[str, Any], x: Ctx, out: Out) -> None:
    props = m.get("properties")
    if type(props) is dict and "currency" not in props:
        for f in ("revenue", "total", "value"):
            if is_number(props.get(f)):
                out.append(
                    ("W026", f"{f} without currency; Segment assumes USD", f"properties.{f}")
                )
                return


def payload(m: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """The user-defined key/value object of a call: properties or traits."""
    t = m.get("type")
    if t in ("identify", "group"):
        v = m.get("traits")
        if v is None and t == "identify":
            ctx = m.get("context")
            if type(ctx) is dict and type(ctx.get("traits")) is dict:
                return "context.traits", ctx["traits"]
        return "traits", v if type(v) is dict else None
    v = m.get("properties")
    return "properties", v if type(v) is dict else None


_MIXPANEL_RESERVED = {
    "length": "'length' makes the Mixpanel track call fail silently",
    "bucket": "'bucket' is hidden by Mixpanel",
}


@check("I009", types=("track", "page", "screen"))
def mixpanel_reserved(m: dict[str, Any], x: Ctx, out: Out) -> None:
    props = m.get("properties")
    if type(props) is dict:
        for k, why in _MIXPANEL_RESERVED.items():
            if k in props:
                out.append(("I009", f"Mixpanel: {why}", f"properties.{k}"))
