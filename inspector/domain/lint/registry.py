"""Rule metadata and the registry of checks (small functions, each tied to its rule ids)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SOURCES = {
    "S-COMMON": "https://segment.com/docs/connections/spec/common/",
    "S-IDENTIFY": "https://segment.com/docs/connections/spec/identify/",
    "S-TRACK": "https://segment.com/docs/connections/spec/track/",
    "S-PAGE": "https://segment.com/docs/connections/spec/page/",
    "S-SCREEN": "https://segment.com/docs/connections/spec/screen/",
    "S-GROUP": "https://segment.com/docs/connections/spec/group/",
    "S-ALIAS": "https://segment.com/docs/connections/spec/alias/",
    "S-HTTP": "https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/",
    "S-DEDUP": "https://segment.com/docs/guides/duplicate-data/",
    "S-IDS": "https://segment.com/docs/guides/working-with-ids/",
    "S-BPID": "https://segment.com/docs/connections/spec/best-practices-identify/",
    "S-ECOM": "https://segment.com/docs/connections/spec/ecommerce/v2/",
    "S-B2B": "https://segment.com/docs/connections/spec/b2b-saas/",
    "S-MOBILE": "https://segment.com/docs/connections/spec/mobile/",
    "S-VIDEO": "https://segment.com/docs/connections/spec/video/",
    "S-EMAIL": "https://segment.com/docs/connections/spec/email/",
    "S-PROT-TP": "https://segment.com/docs/protocols/tracking-plan/create/",
    "S-PROT-BP": "https://segment.com/docs/protocols/tracking-plan/best-practices/",
    "S-PROT-SC": "https://segment.com/docs/protocols/enforce/schema-configuration/",
    "S-PROT-VIOL": "https://segment.com/docs/protocols/validate/forward-violations/",
    "S-PROT-FAQ": "https://segment.com/docs/protocols/faq/",
    "S-PROT-DBG": "https://segment.com/docs/protocols/apis-and-extensions/",
    "S-UNIFY-IR": "https://segment.com/docs/unify/identity-resolution/"
    "identity-resolution-settings/",
    "S-UNIFY-LIM": "https://segment.com/docs/unify/product-limits/",
    "S-ENGAGE-FAQ": "https://segment.com/docs/engage/faqs/",
    "S-MP-DEST": "https://segment.com/docs/connections/destinations/catalog/mixpanel/",
    "AVO-INSP": "https://www.avo.app/docs/inspector/issue-types-in-inspector",
    "AVO-AUDIT": "https://www.avo.app/docs/audit/rules",
    "AMP-IDS": "https://amplitude.com/docs/get-started/identify-users",
    "AMP-HTTP": "https://amplitude.com/docs/apis/analytics/http-v2",
    "MP-LEGACY": "https://github.com/mixpanel/docs/blob/main/legacy/aliases.md",
    "MP-ORIG": "https://docs.mixpanel.com/docs/tracking-methods/id-management/"
    "identifying-users-original",
    "MP-SIMP": "https://docs.mixpanel.com/docs/tracking-methods/id-management/"
    "identifying-users-simplified",
    "PH-MERGE": "https://posthog.com/docs/product-analytics/identify",
    "KM-SPEC": "https://support.kissmetrics.io/reference/api-specifications-1",
    "KM-SQUISH": "https://support.kissmetrics.io/docs/"
    "squished-identities-multiple-identities-aliased-together",
    "CIO-ATTR": "https://docs.customer.io/messaging/people/reserved-attributes/",
    "CIO-TS": "https://docs.customer.io/journeys/segmentation-and-timestamp-rules",
    "CIO-ID": "https://docs.customer.io/cdp/sources/source-spec/identify-spec",
    "ASTRO": "https://docs.astronomer.io/v2/clickstream/calls.html",
    "GO-JSON": "https://github.com/golang/go/issues/11673",
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue rule. ``title`` is the one-line message; ``explanation`` says why/how."""

    id: str
    severity: str
    category: str
    slug: str
    title: str
    explanation: str
    url: str
    scope: str = "message"  # message | batch | session | plan | idgraph (raised elsewhere)
    dialect: str | None = None  # a destination that must be enabled for the rule to run
    default_enabled: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def implemented_here(self) -> bool:
        """False for identity-graph rules: the identity resolver raises those."""
        return self.scope != "idgraph"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "category": self.category,
            "slug": self.slug,
            "title": self.title,
            "explanation": self.explanation,
            "url": self.url,
            "scope": self.scope,
            "dialect": self.dialect,
            "defaultEnabled": self.default_enabled,
        }


RULES: dict[str, Rule] = {}

# A check appends ``(rule_id, message, path)`` tuples to ``out``; the engine turns them into
# Findings with the configured severity. ``types`` None = every call type.
CheckFn = Callable[[dict[str, Any], Any, list[tuple[str, str, str | None]]], None]


@dataclass(frozen=True, slots=True)
class Check:
    fn: CheckFn
    rules: tuple[str, ...]
    types: frozenset[str] | None
    order: int
    guard: str | None = None  # skipped when that fast-path guard says the message is clean


CHECKS: list[Check] = []


def add_rule(
    rule_id: str,
    severity: str,
    category: str,
    slug: str,
    title: str,
    explanation: str,
    source: str,
    *,
    scope: str = "message",
    dialect: str | None = None,
    default_enabled: bool = True,
    aliases: tuple[str, ...] = (),
) -> None:
    url = " ".join(SOURCES.get(s, s) for s in source.split())
    RULES[rule_id] = Rule(
        rule_id,
        severity,
        category,
        slug,
        title,
        explanation,
        url,
        scope,
        dialect,
        default_enabled,
        aliases,
    )


def check(
    *rule_ids: str, types: tuple[str, ...] | None = None, order: int = 50, guard: str | None = None
) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the check that raises ``rule_ids`` for the given call types.

    ``guard`` names a fast-path predicate (see ``fastpath``) that proves in one pass that a
    typical message cannot trigger this check; the check then is not called at all."""

    def deco(fn: CheckFn) -> CheckFn:
        CHECKS.append(Check(fn, rule_ids, frozenset(types) if types else None, order, guard))
        return fn

    return deco


def lookup(name: str) -> Rule | None:
    """A rule by id (``W034``), slug (``naming-event-case``) or alias; case-insensitive id."""
    r = RULES.get(name) or RULES.get(name.upper())
    if r is not None:
        return r
    for rule in RULES.values():
        if name == rule.slug or name in rule.aliases:
            return rule
    return None
