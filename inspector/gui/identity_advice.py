"""What to do about each identity warning (the People view explains every warning it counts:
the rule, what the resolver found, why it matters and this advice)."""

from __future__ import annotations

import html
from typing import Any

ADVICE = {
    "E020": "Send the real id, or leave the field out: a placeholder such as 'null' or "
    "'anonymous' is shared by unrelated people, who then merge into one profile.",
    "E064": "Alias an id only once. Check that the app does not alias again on every login, "
    "and that previousId is the anonymous id of this visitor.",
    "I010": "Use ids of at least 5 characters if Amplitude is a destination.",
    "I011": "Harmless: the alias joins ids that are already one person. Drop the extra call "
    "(or alias only on sign-up).",
    "I012": "For Segment Unify, send identify with both the userId and the anonymousId: "
    "Unify merges on shared identifiers and ignores alias.",
    "I013": "Use different strings for different kinds of id (e.g. prefix group ids).",
    "I014": "Call reset() at logout so the next anonymous events get a new anonymousId "
    "instead of landing on the last user.",
    "W019": "Trim and normalise ids in one place before sending (case, whitespace).",
    "W060": "Call reset() when a user logs out, so the next user on the device gets a new "
    "anonymousId. On shared devices (kiosks, family tablets) this is expected: make sure the "
    "destination's merge protection keeps the users apart.",
    "W062": "Alias an anonymous id (previousId) to a userId. Merging two known users needs "
    "the destination's own merge API, not alias.",
    "W063": "With Mixpanel legacy/original ID management, call alias once, on sign-up, "
    "before the first identify.",
    "W065": "Remove the alias call: previousId equals userId, so it merges nothing.",
    "W066": "Alias each new id to the canonical userId directly; re-aliasing on every login "
    "builds long chains that destinations follow only so far.",
    "W067": "Keep one anonymousId per device (persist it, as the libraries do) and call "
    "reset() only at logout: many anonymousIds on one user usually mean cleared storage, "
    "a new id per page load, or server code inventing ids. Past the limit the destination "
    "stops merging; raise the limit there only if the ids are genuine.",
    "W069": "The selected destination's identity rules will not merge these ids. Send what it "
    "needs (for example identify before alias), or pick the merge mode that matches it.",
    "W074": "KISSmetrics squishes identities: do not identify several users on one device "
    "without clearing the identity in between.",
    "W075": "PostHog refuses to merge into an already identified person: alias or identify "
    "before the person is identified elsewhere.",
    "W077": "Use the database id as userId and send email or phone as traits.",
}
SEVERITY_COLORS = {"error": "#d64541", "warning": "#c98b00", "info": "#4a78d0"}
MAX_IDS = 8


def advice(rule: str) -> str:
    return ADVICE.get(rule, "See the rule's explanation above.")


def warnings_html(warnings: list[dict[str, Any]], rules: dict[str, Any]) -> str:
    """Each warning: rule and title, what was found, why it matters, what to do, the ids."""
    if not warnings:
        return "<p style='color:#2e9d5b'><b>✓ No identity warnings for this person.</b></p>"
    parts = []
    for w in warnings:
        rid = str(w.get("rule", "?"))
        sev = str(w.get("severity", "warning"))
        rule = rules.get(rid)
        title = getattr(rule, "title", "") if rule else ""
        expl = getattr(rule, "explanation", "") if rule else ""
        ids = [str(i) for i in w.get("identifiers", [])]
        shown = ", ".join(html.escape(i) for i in ids[:MAX_IDS])
        if len(ids) > MAX_IDS:
            shown += f" and {len(ids) - MAX_IDS} more"
        count = int(w.get("count", 1) or 1)
        color = SEVERITY_COLORS.get(sev, "#888")
        parts.append(
            f"<p><span style='background:{color};color:white;padding:1px 6px;"
            f"border-radius:3px'><b>{html.escape(rid)}</b></span> <b>{html.escape(title)}</b>"
            f"<br>{html.escape(str(w.get('message', '')))}"
            + (f" <span style='color:gray'>(seen {count} times)</span>" if count > 1 else "")
            + (
                f"<br><span style='color:gray'>Why it matters: {html.escape(expl)}</span>"
                if expl
                else ""
            )
            + f"<br><b>What to do:</b> {html.escape(advice(rid))}"
            + (f"<br><span style='color:gray'>Ids: {shown}</span>" if ids else "")
            + "</p>"
        )
    return "".join(parts)
