"""Timestamp rules: ISO-8601 shape, timezone, future values, clock skew."""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.context import Ctx
from inspector.domain.lint.registry import check
from inspector.domain.lint.values import iso_status, parse_ts, short

Out = list[tuple[str, str, str | None]]
TS_FIELDS = ("timestamp", "originalTimestamp", "sentAt", "receivedAt")


def _future(v: str, x: Ctx) -> bool:
    # fast path: a UTC string of the usual shape compares as text
    if len(v) >= 20 and (v[-1] == "Z" or v.endswith("+00:00")) and v[19] in ".Z+":
        return v[:19] > x.future_iso
    ts = parse_ts(v)
    return ts is not None and ts > x.future_ts


@check("E012", "W005", "W006", order=10, guard="times")
def timestamps(m: dict[str, Any], x: Ctx, out: Out) -> None:
    for f in TS_FIELDS:
        v = m.get(f)
        if v is None:
            continue
        st = iso_status(v)
        if st == "ok":
            if f != "receivedAt" and _future(v, x):
                out.append(
                    (
                        "W006",
                        f"{f} {v} is in the future (more than "
                        f"{x.cfg.future_minutes:g} min ahead of the inspector's "
                        "clock)",
                        f,
                    )
                )
        elif st == "notz":
            out.append(("W005", f"{f} {v} has no timezone; Segment timestamps are UTC (add Z)", f))
        else:
            what = "a number (epoch)" if type(v) in (int, float) else repr(short(v))
            out.append(("E012", f"{f} is not an ISO-8601 date-time: {what}", f))


def _utc(v: str) -> bool:
    return len(v) >= 20 and v[-1] == "Z" and v[19] in ".Z"


@check("W007", order=11, guard="times")
def clock_skew(m: dict[str, Any], x: Ctx, out: Out) -> None:
    sent_raw = m.get("sentAt")
    if type(sent_raw) is not str:
        return
    if _utc(sent_raw):  # fast path: compare UTC strings of one shape as text
        ev = m.get("originalTimestamp") or m.get("timestamp")
        if (
            type(ev) is str
            and len(ev) == len(sent_raw)
            and _utc(ev)
            and ev <= sent_raw
            and (not x.received or sent_raw[:19] >= x.past_iso)
        ):
            return
    sent = parse_ts(sent_raw)
    if sent is None:
        return
    for f in ("originalTimestamp", "timestamp"):
        t = parse_ts(m.get(f))
        if t is not None:
            if t - sent > 1.0:
                out.append(
                    (
                        "W007",
                        f"sentAt is {t - sent:.1f} s before {f}: negative queue "
                        "time, the client clock moved",
                        "sentAt",
                    )
                )
            break
    if not x.received:
        return  # arrival time unknown (linting a file): no skew to measure
    skew = x.received - sent
    limit = x.cfg.max_skew_hours * 3600.0
    if skew > limit:
        out.append(
            (
                "W007",
                f"sentAt is {skew / 3600:.1f} h before arrival: client clock "
                "skew or a long offline queue",
                "sentAt",
            )
        )
