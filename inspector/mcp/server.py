"""The MCP server: Event Inspector's tools and resources for coding agents, over stdio.

Built on the official SDK's :class:`~mcp.server.mcpserver.MCPServer`. Each tool answers
compact JSON (as text, and as structured content); a failure the API would answer with a
4xx comes back as a tool error (``isError``) whose text is the API's JSON body, so the agent
reads the same ``{"code", "message"}`` a script would. No tool changes captured data.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from inspector import __version__
from inspector.domain import jsoncodec
from inspector.mcp import answers, resources
from inspector.mcp.backend import MAX_LIMIT, MAX_WAIT, Backend, ToolFailure
from inspector.mcp.flow_arg import flow_data

log = logging.getLogger("inspector.mcp")

INSTRUCTIONS = """\
Event Inspector captures the analytics calls (Segment, Customer.io, RudderStack, KISSmetrics \
client libraries) an app sends to a local collector, lints them and resolves identities. \
Use it to check the tracking code you write: point the SDK's host at the collector, run the \
app or its tests, then query_events / wait_for_events with a query such as \
'type:track event:"Order Completed" properties.revenue:>0'; lint_findings says what is wrong \
(explain_rule says how to fix a rule), identity(user) shows how a person's ids were merged, \
check_flow checks an expected journey step by step, tracking_plan_coverage compares what \
was sent with the tracking plan. Read the resource \
event-inspector://docs/query-language before writing queries and \
event-inspector://lint/catalogue for the rules. Event ids in answers (#N) are stable: \
get_event(id) gives one event in full."""

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
SessionArg = Annotated[
    str,
    Field(
        description="a stored session by name or id; empty: the collector's live session "
        "(or --session, or the latest session of a data directory)"
    ),
]
Query = Annotated[
    str,
    Field(
        description="a query in Event Inspector's query language, e.g. 'type:track "
        'event:"Signed Up" userId:u1\' (see event-inspector://docs/query-language); '
        "empty matches every event"
    ),
]


def ok(body: dict[str, Any]) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=jsoncodec.dumps_str(body))],
        structured_content=body,
    )


def failed(body: dict[str, Any]) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=jsoncodec.dumps_str(body))], is_error=True
    )


async def answer(work: Callable[[], Awaitable[dict[str, Any]]]) -> CallToolResult:
    """A tool's answer, or its error as the API would say it. A bug is an error answer too
    (logged with its traceback on stderr): the server keeps serving."""
    try:
        return ok(await work())
    except ToolFailure as exc:
        return failed(exc.body)
    except Exception as exc:
        log.exception("tool failed")
        return failed({"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"})


def build_server(backend: Backend) -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer(
        "event-inspector",
        title="Event Inspector",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )
    tool = server.tool

    @tool(
        description="Events the app sent that match a query, newest last: each with its id, "
        "type, name (track event, page/screen name), userId/anonymousId/groupId, the client "
        "library that sent it, its lint findings (one line each) and the message (long values "
        "shortened). Answers the total that match and the `limit` newest of them.",
        annotations=READ_ONLY,
    )
    async def query_events(
        q: Query,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="events to list")] = 20,
        session: SessionArg = "",
    ) -> CallToolResult:
        return await answer(
            lambda: _events(backend, q, limit, session),
        )

    @tool(
        description="Block until `count` events matching the query have arrived in the live "
        "session (events already there count), or `timeout` seconds pass. Use it right after "
        "running the code that should send them. On success: the matching events. On timeout "
        "(matched: false): those that did match, the closest misses (events that match most of "
        "the query's terms or have a similar name, with why they fail) and what arrived, by "
        "type and name.",
        annotations=READ_ONLY,
    )
    async def wait_for_events(
        q: Query,
        count: Annotated[int, Field(ge=1, le=10_000, description="how many must match")] = 1,
        timeout: Annotated[
            float, Field(ge=0, le=MAX_WAIT, description="seconds to wait at most")
        ] = 10,
    ) -> CallToolResult:
        return await answer(
            lambda: _wait(backend, q, count, timeout),
        )

    @tool(
        description="Lint findings of the events matching a query, grouped by rule: severity, "
        "how many findings on how many events, the rule's title, what it checks and how to fix "
        "it, its spec link, the first message and path, and the most recent example event ids. "
        "Errors first, then by count.",
        annotations=READ_ONLY,
    )
    async def lint_findings(
        q: Query = "",
        min_severity: Annotated[
            Literal["error", "warning", "info"],
            Field(description="the lowest severity listed"),
        ] = "warning",
        session: SessionArg = "",
    ) -> CallToolResult:
        async def work() -> dict[str, Any]:
            return answers.lint_answer(q, await backend.lint(q, min_severity, session))

        return await answer(work)

    @tool(
        description="What a lint rule checks, why it matters and how to fix it, with its spec "
        "link and the query that finds the events it flagged. Accepts an id (E005, W034) or "
        "a slug (track-missing-event).",
        annotations=READ_ONLY,
    )
    async def explain_rule(
        rule: Annotated[str, Field(description="rule id or slug, e.g. E005")],
    ) -> CallToolResult:
        async def work() -> dict[str, Any]:
            found = resources.rule_answer(rule)
            if found is None:
                similar = resources.similar_rules(rule)
                hint = f"; did you mean {', '.join(similar)}?" if similar else ""
                raise ToolFailure(
                    "unknown_rule",
                    f"no lint rule {rule!r}{hint} (every rule: event-inspector://lint/catalogue)",
                )
            return found

        return await answer(work)

    @tool(
        description="One person as identity resolution sees them: every id (userId, "
        "anonymousId, ...) merged into the person, each merge with the call that made it, its "
        "verdict and reason (merges that were refused too), and identity warnings (e.g. an "
        "anonymousId shared by two users, a userId that looks like a placeholder).",
        annotations=READ_ONLY,
    )
    async def identity(
        user: Annotated[str, Field(description="any id of the person: userId or anonymousId")],
        session: SessionArg = "",
    ) -> CallToolResult:
        async def work() -> dict[str, Any]:
            return answers.identity_answer(user, await backend.identities(user, session))

        return await answer(work)

    @tool(
        description="Check an expected journey: did one person (after identity merges) send "
        "events matching every step, in order? Each step is matched by the first matching "
        "event after the previous step's match. Answers passed, the person, and per step: "
        "matched / missing / out_of_order with the event, and for steps not matched the "
        "closest misses; plus a readable checklist.",
        annotations=READ_ONLY,
    )
    async def check_flow(
        flow: Annotated[
            dict[str, Any] | str,
            Field(
                description='the flow: {"name": "Checkout", "steps": [{"q": "type:page '
                'name:Pricing"}, {"q": "type:track event:\\"Order Completed\\""}]} (a step may '
                "be a bare query string and may carry a name), or the path of a flow file "
                "(.yaml, .yml or .json), or that file's text"
            ),
        ],
        timeout: Annotated[
            float,
            Field(ge=0, le=MAX_WAIT, description="seconds to keep checking until it passes"),
        ] = 0,
        session: SessionArg = "",
    ) -> CallToolResult:
        async def work() -> dict[str, Any]:
            data = flow_data(flow)
            return answers.flow_answer(await backend.check_flow(data, timeout, session))

        return await answer(work)

    @tool(
        description="Tracking-plan coverage of a session: every event the plan lists with how "
        "often it was seen and from which client library (web, iOS, Android, server), the "
        "planned events never seen (required ones first), and events seen that the plan does "
        "not list. The plan is the collector's (serve --plan, the window, .event-inspector.toml) "
        "or, with --data-dir, --plan or .event-inspector.toml.",
        annotations=READ_ONLY,
    )
    async def tracking_plan_coverage(session: SessionArg = "") -> CallToolResult:
        async def work() -> dict[str, Any]:
            return answers.coverage_answer(await backend.coverage(session))

        return await answer(work)

    @tool(
        description="The stored sessions, newest first, with their event and rejected-request "
        "counts, and which one the tools use by default.",
        annotations=READ_ONLY,
    )
    async def sessions() -> CallToolResult:
        async def work() -> dict[str, Any]:
            return answers.sessions_answer(await backend.sessions())

        return await answer(work)

    @tool(
        description="Counts for a session: events by type, by highest lint severity, "
        "duplicates, requests and rejected requests (bodies the collector could not read), "
        "and where the inspector reads from.",
        annotations=READ_ONLY,
    )
    async def stats(session: SessionArg = "") -> CallToolResult:
        async def work() -> dict[str, Any]:
            body = await backend.stats(session)
            body["source"] = backend.where
            return body

        return await answer(work)

    @tool(
        description="One event in full by its id (from any other answer): the message as "
        "stored, the original when it was normalised, the source (write key, library, client), "
        "the request it came in (credentials masked; a long body cut, with its length) and every "
        "lint finding.",
        annotations=READ_ONLY,
    )
    async def get_event(
        id: Annotated[int, Field(ge=1, description="the event id")],
    ) -> CallToolResult:
        async def work() -> dict[str, Any]:
            return answers.full_event(await backend.event(id))

        return await answer(work)

    @server.resource(
        resources.QUERY_LANGUAGE_URI,
        name="query-language",
        title="Query language reference",
        description="Every field, operator and value form of the query language the tools "
        "take (q), with examples.",
        mime_type="text/markdown",
    )
    def query_language() -> str:
        return resources.query_language()

    @server.resource(
        resources.LINT_CATALOGUE_URI,
        name="lint-catalogue",
        title="Lint rule catalogue",
        description="Every lint rule: id, severity, what it checks, how to fix it, spec link.",
        mime_type="text/markdown",
    )
    def lint_catalogue() -> str:
        return resources.lint_catalogue()

    return server


async def _events(backend: Backend, q: str, limit: int, session: str) -> dict[str, Any]:
    return answers.events_answer(q, await backend.events(q, limit, session), limit)


async def _wait(backend: Backend, q: str, count: int, timeout: float) -> dict[str, Any]:
    return answers.wait_answer(await backend.wait(q, count, timeout, answers.WAIT_SHOWN))


def run_stdio(backend: Backend) -> None:
    """Serve on standard input/output until the client closes it."""
    server = build_server(backend)

    async def main() -> None:
        try:
            await server.run_stdio_async()
        finally:
            await backend.close()

    anyio.run(main)
