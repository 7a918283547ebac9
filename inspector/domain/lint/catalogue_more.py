"""The rule catalogue, part 2: warnings W030+, info rules and identity-graph rules."""

from __future__ import annotations

from inspector.domain.lint.registry import add_rule as R

R(
    "W030",
    "warning",
    "consistency",
    "property-type-inconsistent",
    "Event property seen with several types",
    "One event sends a property sometimes as one JSON type, sometimes as another; "
    "warehouses create a column per type or drop values. Send one type.",
    "AVO-INSP",
    scope="session",
)
R(
    "W031",
    "warning",
    "consistency",
    "property-type-mismatch-across-events",
    "Property has different types across events",
    "The same property name carries different JSON types on different events, which breaks "
    "shared columns and cross-event analysis.",
    "AVO-INSP",
    scope="session",
)
R(
    "W032",
    "warning",
    "naming",
    "event-name-collision",
    "Event names collide",
    "Two event names differ only in case, separators, word order or tense (Order Completed "
    "vs order_completed): reports split one event in two. Pick one name.",
    "AVO-AUDIT",
    scope="session",
)
R(
    "W033",
    "warning",
    "naming",
    "property-key-collision",
    "Property keys collide",
    "Two keys differ only in case or separators (orderId/order_id); downstream they are two "
    "columns. Pick one spelling.",
    "AVO-AUDIT S-IDENTIFY",
)
R(
    "W034",
    "warning",
    "naming",
    "naming-event-case",
    "Event name not in the expected casing",
    "Pick one casing for event names (Segment recommends Title Case, e.g. 'Order Completed') "
    "and keep to it; mixed casing splits reports.",
    "S-PROT-BP AVO-AUDIT",
    aliases=("naming-title-case",),
)
R(
    "W035",
    "warning",
    "naming",
    "naming-property-case",
    "Property key not in the expected casing",
    "Segment recommends snake_case property names (spec names such as firstName are exempt). "
    "Mixed casing produces near-duplicate columns.",
    "S-PROT-BP",
    aliases=("naming-snake-case",),
)
R(
    "W036",
    "warning",
    "naming",
    "dynamic-event-name",
    "Event name looks dynamic",
    "The name contains a value (digits, date, id, email, URL); every value becomes a new "
    "event in reports. Move the value into a property.",
    "S-PROT-BP",
)
R(
    "W037",
    "warning",
    "naming",
    "dynamic-property-key",
    "Property keys look dynamic",
    "Keys such as feature_1, feature_2 or id-like keys create unbounded columns. Use an "
    "array or a property whose value is the variable part.",
    "S-PROT-BP",
)
R(
    "W041",
    "warning",
    "limits",
    "too-many-keys",
    "Too many properties/traits",
    "Unify drops events with 300 or more properties and Engage rejects identify calls with "
    "300 or more traits.",
    "S-UNIFY-LIM",
)
R(
    "W042",
    "warning",
    "limits",
    "group-id-dropped",
    "Unify silently drops this event",
    "A groupId over 500 characters, or an empty context.groupId, makes Unify drop the "
    "event silently.",
    "S-UNIFY-LIM",
)
R(
    "W045",
    "warning",
    "identity",
    "advertising-id-zero",
    "Advertising id is a zero/limited-tracking value",
    "An all-zero IDFA/AAID (ad tracking limited) is shared by every such device; sending it "
    "as an identifier merges unrelated users.",
    "S-UNIFY-IR AMP-IDS",
)
R(
    "W047",
    "warning",
    "semantic",
    "video-spec",
    "Video spec violation",
    "Video events carry integer positions/lengths, sound 0-100, ad types pre-roll/mid-roll/"
    "post-roll and one session_id for the whole playback.",
    "S-VIDEO",
)
R(
    "W052",
    "warning",
    "dialect",
    "kissmetrics-limits",
    "KISSmetrics will truncate or ignore this",
    "KISSmetrics limits person and event names to 255 characters, turns ',' and ':' into "
    "spaces and honours _t only with _d=1 — silently.",
    "KM-SPEC",
    dialect="kissmetrics",
)
R(
    "W054",
    "warning",
    "dialect",
    "customerio-created-at",
    "Customer.io expects Unix timestamps",
    "Customer.io segments on created_at as Unix seconds (not ISO strings or milliseconds) "
    "and limits id to 150 characters.",
    "CIO-TS CIO-ATTR",
    dialect="customerio",
)
R(
    "W056",
    "warning",
    "plan",
    "event-version-not-integer",
    "event_version must be an integer",
    "context.protocols.event_version selects the tracking-plan version and must be an integer.",
    "S-PROT-TP",
)
R(
    "W060",
    "warning",
    "idgraph",
    "shared-anonymous-id",
    "anonymousId used by several users",
    "One anonymousId with two userIds means a shared device or a missing reset() at logout.",
    "MP-ORIG S-ENGAGE-FAQ S-UNIFY-IR",
    scope="idgraph",
)
R(
    "W062",
    "warning",
    "idgraph",
    "alias-merges-known-users",
    "Alias merges two known users",
    "Both sides of the alias already have userIds; most destinations refuse this merge.",
    "MP-SIMP PH-MERGE S-UNIFY-IR",
    scope="idgraph",
)
R(
    "W063",
    "warning",
    "idgraph",
    "alias-after-identify",
    "Alias after identify",
    "Mixpanel legacy/original ID management needs alias before the first identify.",
    "MP-LEGACY S-MP-DEST",
    scope="idgraph",
    dialect="mixpanel",
)
R(
    "W065",
    "warning",
    "idgraph",
    "self-alias",
    "Self-alias is a no-op",
    "previousId equals userId, so the alias merges nothing.",
    "PH-MERGE",
    scope="idgraph",
)
R(
    "W066",
    "warning",
    "idgraph",
    "alias-chain",
    "Long alias chain",
    "An alias chain longer than 3 hops usually means ids are re-aliased on every login.",
    "KM-SQUISH",
    scope="idgraph",
)
R(
    "W067",
    "warning",
    "idgraph",
    "cluster-over-limit",
    "Identity cluster exceeds a vendor limit",
    "Unify (5 anonymous ids, 100 merges, 1000 mappings) and Mixpanel (500 ids) stop merging "
    "past their limits.",
    "S-UNIFY-IR S-UNIFY-LIM MP-ORIG",
    scope="idgraph",
)
R(
    "W069",
    "warning",
    "idgraph",
    "mode-blocks-merge",
    "Destination mode would not merge",
    "The selected destination's identity rules block or ignore a merge that a naive graph applies.",
    "MP-LEGACY MP-ORIG MP-SIMP PH-MERGE S-ALIAS",
    scope="idgraph",
)
R(
    "W074",
    "warning",
    "idgraph",
    "kissmetrics-squishing",
    "Possible identity squishing",
    "A KISSmetrics identity holds more than 3 userIds; squished identities cannot be split.",
    "KM-SQUISH",
    scope="idgraph",
    dialect="kissmetrics",
)
R(
    "W075",
    "warning",
    "idgraph",
    "posthog-already-identified",
    "PostHog refuses: cannot_merge_already_identified",
    "PostHog does not merge into a person that is already identified.",
    "PH-MERGE",
    scope="idgraph",
    dialect="posthog",
)
R(
    "W077",
    "warning",
    "identity",
    "user-id-is-pii",
    "userId should be a stable DB id, not PII",
    "A userId that is an email or phone number changes when the user edits it and leaks PII "
    "into every destination. Use the database id; send email as a trait.",
    "S-IDENTIFY AMP-IDS",
)

# -- info ----------------------------------------------------------------------------------------
R(
    "I001",
    "info",
    "envelope",
    "message-id-missing",
    "No messageId: dedupe impossible",
    "Without messageId retries cannot be deduplicated (the HTTP API assigns one on arrival, "
    "after any retry). Libraries set it; HTTP callers should too.",
    "S-DEDUP",
)
R(
    "I002",
    "info",
    "context",
    "context-unknown-key",
    "context key is not a spec field",
    "The key is not in the context spec table; destinations ignore it. Check spelling "
    "(userAgent, not user_agent) or move custom data to properties.",
    "S-COMMON S-EMAIL",
)
R(
    "I003",
    "info",
    "page",
    "unnamed-page",
    "Unnamed page/screen",
    "Without a name page/screen calls cannot be grouped in reports or plan violations.",
    "S-PROT-VIOL",
)
R(
    "I004",
    "info",
    "naming",
    "event-name-object-action",
    "Prefer 'Object Action' event names",
    "Segment recommends an object noun plus a past-tense verb ('Button Clicked', "
    "'Order Completed').",
    "S-TRACK S-PROT-BP",
)
R(
    "I005",
    "info",
    "identity",
    "anonymous-id-not-uuid",
    "anonymousId is not a uuid",
    "Segment recommends uuidv4 anonymous ids; Mixpanel Original ID Merge only merges "
    "UUID-shaped ones.",
    "S-IDS MP-ORIG",
    dialect="mixpanel",
)
R(
    "I006",
    "info",
    "semantic",
    "b2b-missing-context-group",
    "B2B event lacks context.groupId",
    "The B2B SaaS spec attributes every event to an account through context.groupId. "
    "Raised once the session shows group calls (a B2B setup).",
    "S-B2B",
)
R(
    "I007",
    "info",
    "track",
    "context-traits-not-identify",
    "context.traits does not update profiles; send identify",
    "Traits in context on track/page are copied to destinations for that event only; they "
    "do not update the profile. Send an identify carrying them.",
    "S-TRACK",
    scope="session",
)
R(
    "I009",
    "info",
    "dialect",
    "mixpanel-reserved-property",
    "Mixpanel reserved property name",
    "Mixpanel: a property named 'length' breaks track silently and 'bucket' is hidden.",
    "S-MP-DEST",
    dialect="mixpanel",
)
R(
    "I010",
    "info",
    "dialect",
    "amplitude-short-id",
    "Amplitude rejects ids shorter than 5",
    "Amplitude's min_id_length is 5: shorter user/device ids are rejected.",
    "AMP-HTTP",
    dialect="amplitude",
)
R(
    "I011",
    "info",
    "idgraph",
    "alias-redundant",
    "Alias is redundant / refers to an unseen id",
    "The alias joins ids that are already merged, or its previousId was never seen.",
    "S-BPID",
    scope="idgraph",
)
R(
    "I012",
    "info",
    "idgraph",
    "alias-unify",
    "Alias does not merge Unify profiles",
    "Segment Unify ignores alias calls: profiles merge on shared identifiers only. Send "
    "identify with both ids instead.",
    "S-ALIAS",
    scope="idgraph",
)
R(
    "I013",
    "info",
    "idgraph",
    "id-namespace-collision",
    "Identifier namespace collision",
    "The same string is used as userId and groupId (or anonymousId).",
    "S-IDS",
    scope="idgraph",
)
R(
    "I014",
    "info",
    "idgraph",
    "identity-regression",
    "Identity regression",
    "Anonymous events arrive after the userId was known, without a new anonymousId.",
    "S-BPID",
    scope="idgraph",
)
R(
    "I015",
    "info",
    "consistency",
    "event-not-on-platform",
    "Event seen on one library/platform but not another",
    "An event is sent regularly by one library/platform of the session but never by another "
    "that sends plenty of events (Avo: 'Event unexpected on source'). One implementation "
    "may be missing it, or it should not exist on the other.",
    "AVO-INSP",
    scope="session",
)
R(
    "I016",
    "info",
    "limits",
    "not-fully-inspected",
    "Part of this event was not inspected",
    "Event Inspector bounds the work one event may cost, so that one odd event cannot hold up "
    "those behind it: strings longer than 1,024 characters are linted as their first 1,024, "
    "and a message nested deeper than 255 levels is kept and shown to 100 levels (the stored "
    "request keeps the body whole). Findings that depend on the cut part may be missing.",
    "S-HTTP",
    scope="batch",
)
