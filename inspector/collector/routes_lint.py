"""``GET /api/lint[?q=][&minSeverity=warning][&examples=3][&session=]``: the session's findings
grouped by rule, each with its count, explanation, spec link and the most recent example
events (:func:`inspector.domain.lint.by_rule.findings_by_rule`). A bad query or severity is a
400 saying what and where."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.qa_query import compile_for
from inspector.collector.routes_api import BadRequest, int_param, pick_session
from inspector.collector.routes_ingest import json_response
from inspector.domain.capture import SEVERITY_LEVEL
from inspector.domain.lint.by_rule import EXAMPLES, findings_by_rule
from inspector.domain.store_read import Reader


async def lint_by_rule(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    session = pick_session(request)
    min_severity = request.query.get("minSeverity") or "warning"
    if min_severity not in SEVERITY_LEVEL:
        raise BadRequest(
            "invalid_parameter",
            f"minSeverity={min_severity!r} is not one of error, warning, info",
        )
    q = request.query.get("q", "")
    examples = int_param(request, "examples", EXAMPLES, 1, 100)

    def read(reader: Reader) -> dict[str, Any]:  # in a query thread, within the query budget
        cq = compile_for(svc, session, q, reader=reader)
        return findings_by_rule(
            reader.rows,
            session.id,
            cq.where,
            cq.params,
            min_severity=min_severity,
            examples=examples,
            join=reader.join,
        )

    body = await svc.queries.run(read)
    body["q"] = q
    body["session"] = session.to_dict()
    return json_response(200, body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/lint", lint_by_rule)
