"""The rule catalogue, part 1: errors and the first warnings (ids as in lint-and-identity §6)."""

from __future__ import annotations

from inspector.domain.lint.registry import add_rule as R

# -- errors ------------------------------------------------------------------------------------
R(
    "E001",
    "error",
    "envelope",
    "payload-not-object",
    "Payload is not a JSON object",
    "Every Segment message is a JSON object. Anything else is answered with 400 by the HTTP "
    "API and never reaches a destination. Send one object per call, or a batch object.",
    "S-HTTP",
)
R(
    "E002",
    "error",
    "envelope",
    "unknown-type",
    "Unknown message type",
    "`type` must be one of identify, track, page, screen, group or alias. Batch items must "
    "carry it; the endpoint sets it for single calls. Other values are rejected.",
    "S-COMMON S-HTTP",
)
R(
    "E003",
    "error",
    "identity",
    "missing-user-and-anonymous-id",
    "Message needs userId or anonymousId",
    "Every call but alias needs a non-empty userId or anonymousId, otherwise the HTTP API "
    "rejects it with no_user_anon_id. Set an anonymousId (a uuid) before the user is known.",
    "S-HTTP",
)
R(
    "E004",
    "error",
    "identity",
    "id-not-string",
    "Identifier must be a string",
    "userId, anonymousId, groupId and previousId are strings. analytics.js refuses other "
    "types and destinations may turn numbers into different ids. Stringify the id.",
    "S-COMMON",
)
R(
    "E005",
    "error",
    "track",
    "track-missing-event",
    "Track call is missing its event name",
    'A track call needs a non-empty string `event`; Segment answers "Track event is missing '
    'name" and drops it. Pass the event name as the first argument of track().',
    "S-HTTP",
)
R(
    "E006",
    "error",
    "group",
    "group-missing-group-id",
    "Group call requires groupId",
    "A group call without a non-empty groupId is invalid and Unify drops it silently. "
    "Pass the account id as groupId.",
    "S-GROUP S-UNIFY-LIM",
)
R(
    "E007",
    "error",
    "alias",
    "alias-missing-ids",
    "Alias requires previousId and userId",
    "Alias links previousId (the old id) to userId (the new one); without both it cannot "
    "merge anything and the HTTP API rejects it.",
    "S-ALIAS S-HTTP",
)
R(
    "E008",
    "error",
    "envelope",
    "payload-not-object-field",
    "properties/traits must be objects",
    "`properties` and `traits` must be plain JSON objects (analytics.js asserts this). "
    "Arrays or strings there are dropped by most destinations.",
    "S-TRACK",
)
R(
    "E009",
    "error",
    "envelope",
    "context-not-object",
    "context/integrations must be objects",
    "`context` and `integrations` are objects; Segment's debugger rejects other values "
    '("context integrations must be an object").',
    "S-PROT-DBG",
)
R(
    "E010",
    "error",
    "limits",
    "message-too-large",
    "Message is over 32 KB",
    "Segment rejects a message larger than 32 KB with 400 (server libraries refuse to queue "
    "it). Move bulky data out of the event.",
    "S-HTTP",
    scope="batch",
)
R(
    "E011",
    "error",
    "limits",
    "batch-too-large",
    "Batch exceeds 500 KB / 2500 events",
    "A batch request is limited to 500 KB and 2,500 events: larger bodies get 400, extra "
    "events are accepted with 200 but rejected. Flush smaller batches.",
    "S-HTTP",
    scope="batch",
)
R(
    "E012",
    "error",
    "time",
    "timestamp-not-iso",
    "Timestamp is not ISO-8601",
    "timestamp, originalTimestamp, sentAt and receivedAt are ISO-8601 date-time strings "
    "(e.g. 2024-01-31T12:00:00.000Z). Epoch numbers or unpadded dates are misread.",
    "S-COMMON",
)
R(
    "E013",
    "error",
    "envelope",
    "message-id-too-long",
    "messageId exceeds 100 characters",
    "messageId is the dedupe key and must stay within 100 characters; Unify drops longer "
    "ones silently.",
    "S-DEDUP S-UNIFY-LIM",
)
R(
    "E014",
    "error",
    "dialect",
    "ambiguous-envelope-key",
    "Ambiguous envelope key variants",
    "Two spellings of one envelope key (userId/userID/user_id) carry different values. Go "
    "consumers keep the last one, JavaScript ones the exact one: send only the camelCase key.",
    "GO-JSON ASTRO",
)
R(
    "E015",
    "error",
    "plan",
    "plan-missing-required",
    "Required property is missing",
    "The tracking plan marks this property required and the event does not carry it "
    '(Protocols violation "Required"). Add it, or relax the plan.',
    "S-PROT-VIOL",
    scope="plan",
)
R(
    "E016",
    "error",
    "plan",
    "plan-invalid-type",
    "Invalid type for the tracking plan",
    "The value's JSON type differs from the type in the tracking plan (Protocols "
    '"Invalid Type"). Send the planned type.',
    "S-PROT-FAQ",
    scope="plan",
)
R(
    "E017",
    "error",
    "plan",
    "plan-invalid-value",
    "Value not allowed by the tracking plan",
    "The value fails the plan's enum, pattern or other constraint. Send one of the permitted "
    "values or update the plan.",
    "S-PROT-TP AVO-INSP",
    scope="plan",
)
R(
    "E018",
    "error",
    "semantic",
    "products-not-array",
    "products must be an array of objects",
    "Semantic e-commerce events carry `products` as an array of product objects; destinations "
    "ignore other shapes.",
    "S-ECOM",
)
R(
    "E020",
    "error",
    "identity",
    "placeholder-id",
    "Blank or placeholder identifier",
    "An id such as '', 'null', 'undefined', 'anonymous', '0' or '[object Object]' is shared "
    "by unrelated users, so destinations merge them into one profile. Send a real id or "
    "leave the field out.",
    "S-UNIFY-IR PH-MERGE KM-SQUISH AMP-IDS",
)
R(
    "E064",
    "error",
    "idgraph",
    "mixpanel-alias-target-mapped",
    "Alias target already mapped; Mixpanel will reject this alias",
    "Mixpanel maps an alias to one distinct_id only; an alias whose userId or previousId "
    "already belongs to another cluster fails.",
    "MP-LEGACY S-MP-DEST",
    scope="idgraph",
    dialect="mixpanel",
)

# -- warnings (W001-W029) ----------------------------------------------------------------------
R(
    "W001",
    "warning",
    "dialect",
    "envelope-key-case",
    "Envelope key in non-canonical case",
    "Segment spells envelope keys in camelCase (userId, anonymousId, groupId). Case-sensitive "
    "consumers do not see userID; the inspector normalised it for you.",
    "ASTRO GO-JSON",
)
R(
    "W002",
    "warning",
    "dialect",
    "type-not-lower-case",
    "type should be lower-case",
    "`type` values are lower-case (track, group). Astronomer-style 'Group' is accepted by "
    "some collectors only.",
    "ASTRO S-COMMON",
)
R(
    "W003",
    "warning",
    "dialect",
    "envelope-key-snake-case",
    "Segment spec uses camelCase envelope keys",
    "anonymous_id/user_id/message_id are not Segment fields; they are ignored by spec "
    "consumers. Use anonymousId, userId, messageId.",
    "S-COMMON",
)
R(
    "W004",
    "warning",
    "dialect",
    "top-level-trait",
    "Reserved trait sent at the top level",
    "email, created_at, phone or name at the top level is a Customer.io docs habit; the spec "
    "reads them from traits. Move them into traits.",
    "CIO-ID S-IDENTIFY",
)
R(
    "W005",
    "warning",
    "time",
    "timestamp-no-timezone",
    "Timestamp has no timezone",
    "Segment timestamps are UTC with a designator (Z or +00:00); without it destinations "
    "guess, and Engage drops custom-trait dates.",
    "S-COMMON",
)
R(
    "W006",
    "warning",
    "time",
    "timestamp-in-future",
    "Timestamp is in the future",
    "A timestamp more than a few minutes ahead of the inspector's clock points to a wrong "
    "device clock or a manual override; charts show the event later than it happened.",
    "S-COMMON",
)
R(
    "W007",
    "warning",
    "time",
    "clock-skew",
    "Clock skew / negative queue time",
    "sentAt earlier than the event time, or a day or more between sentAt and arrival, "
    "means the client clock is wrong or events sat in an offline queue.",
    "S-COMMON",
)
R(
    "W008",
    "warning",
    "envelope",
    "message-id-reused",
    "Duplicate messageId with different content",
    "messageId is the dedupe key: two different events with one messageId are deduplicated "
    "into one downstream. Generate a fresh id per call (retries may keep theirs).",
    "S-DEDUP",
    scope="session",
)
R(
    "W011",
    "warning",
    "context",
    "context-field-type",
    "context field has the wrong type",
    "The context keys have spec types (ip/locale/timezone strings, screen sizes numbers, "
    "network flags booleans). Destinations read them by type; wrong types are dropped.",
    "S-COMMON",
)
R(
    "W015",
    "warning",
    "traits",
    "reserved-trait-type",
    "Reserved trait has the wrong type",
    "Reserved identify traits have spec types (age number, address/company objects, "
    "createdAt/birthday ISO dates, the rest strings); destinations map them by type.",
    "S-IDENTIFY",
)
R(
    "W016",
    "warning",
    "traits",
    "trait-case-variants-disagree",
    "camelCase and snake_case trait disagree",
    "firstName and first_name are both accepted, but sending both with different values "
    "gives two traits downstream. Send one spelling.",
    "S-IDENTIFY",
)
R(
    "W017",
    "warning",
    "traits",
    "email-invalid",
    "email trait is not a valid address",
    "traits.email must be the user's address; destinations such as Customer.io reject "
    "invalid ones.",
    "S-IDENTIFY CIO-ATTR",
)
R(
    "W019",
    "warning",
    "identity",
    "near-identical-ids",
    "Near-identical ids count as different users",
    "Ids are case-sensitive: 'ABC' and 'abc ' are two users. Trim and normalise ids in one "
    "place before sending them.",
    "AMP-IDS PH-MERGE",
    scope="session",
)
R(
    "W020",
    "warning",
    "traits",
    "group-trait-type",
    "Reserved group trait has the wrong type",
    "Reserved group traits have spec types (employees a number, plan/industry strings).",
    "S-GROUP",
)
R(
    "W021",
    "warning",
    "page",
    "page-property-type",
    "Reserved page property has the wrong type",
    "url, path, referrer, search, title and name are strings, keywords an array of strings.",
    "S-PAGE",
)
R(
    "W023",
    "warning",
    "track",
    "revenue-currency-format",
    "revenue/value must be numbers; currency ISO-4217",
    'revenue and value are decimal numbers (19.99, not "19.99") and currency a three-letter '
    "upper-case ISO-4217 code; revenue reports ignore other values.",
    "S-TRACK",
)
R(
    "W024",
    "warning",
    "semantic",
    "semantic-property-type",
    "Semantic property has the wrong type",
    "A property defined by a Segment semantic spec has a different type than the spec "
    '(e.g. total "30.00", quantity "2"); destinations that map the spec misread it.',
    "S-ECOM S-MOBILE S-B2B",
)
R(
    "W025",
    "warning",
    "semantic",
    "semantic-missing-key",
    "Semantic event lacks its key id",
    "Without its identifier (order_id, product_id or sku, coupon_id…) the event cannot be "
    "joined downstream. Policy rule, off by default: the spec marks no property required.",
    "S-ECOM",
    default_enabled=False,
)
R(
    "W026",
    "warning",
    "semantic",
    "missing-currency",
    "Revenue without currency",
    "revenue/total/value without currency is read as USD. Policy rule, off by default "
    "(USD is the documented default); enable it for multi-currency shops.",
    "S-TRACK",
    default_enabled=False,
)
R(
    "W027",
    "warning",
    "naming",
    "near-spec-event-name",
    "Event name near-matches a spec event",
    "The name is close to a Segment semantic event (or its v1 name) but not equal; "
    "destinations map only the exact spec name. Rename it to the spec name.",
    "S-ECOM AVO-AUDIT",
)
R(
    "W028",
    "warning",
    "plan",
    "plan-unplanned-event",
    "Unplanned event",
    "The event is not in the tracking plan (Protocols: unplanned event). Add it to the plan "
    "or fix the name; matching is exact.",
    "S-PROT-SC AVO-INSP",
    scope="plan",
)
R(
    "W029",
    "warning",
    "plan",
    "plan-unplanned-property",
    "Unplanned property",
    "The property or trait is not listed for this event in the tracking plan; Protocols can "
    "omit it. Add it to the plan or stop sending it.",
    "S-PROT-SC AVO-INSP",
    scope="plan",
)
