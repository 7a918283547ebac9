"""``GET /api/coverage``: the collector's tracking plan against the session it holds.

``{"planned": [{"event", "seen", "bySource": {client: n}, "type", "required"}],
"unplanned": [{"event", "seen", …}], "summary": …}``. The plan is the one the collector lints
with (``serve --plan``, the window's plan, or ``plan =`` in ``.event-inspector.toml``);
without one, 404 ``no_plan``. ``?session=`` another stored session, ``?scope=`` a query the
counted events must match (e.g. ``writekey:K``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.qa_query import compile_for
from inspector.collector.routes_api import pick_session
from inspector.collector.routes_ingest import json_response
from inspector.domain.lint import ConfigError, PlanError
from inspector.domain.lint.coverage import counts_of_session, coverage
from inspector.domain.lint.profile import current


async def get_coverage(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    try:
        plan = current().load_plan()
    except (ConfigError, PlanError) as exc:
        return json_response(409, {"code": "plan_unusable", "message": str(exc)})
    if plan is None:
        return json_response(
            404,
            {
                "code": "no_plan",
                "message": "no tracking plan: start serve with --plan FILE, load one in the "
                "window, or set plan = under [lint] in .event-inspector.toml",
            },
        )
    session = pick_session(request)
    scope = request.query.get("scope", "")

    def count(reader: Any) -> Any:  # in a query thread (a user: scope may catch the graph up)
        where: str = ""
        params: list[Any] = []
        if scope.strip():
            comp = compile_for(svc, session, scope, "scope", reader)
            where, params = comp.where, list(comp.params)
        return counts_of_session(svc.store, session.id, where, params)

    body = coverage(plan, await svc.queries.run(count)).to_api()
    body["session"] = session.to_dict()
    return json_response(200, body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/coverage", get_coverage)
