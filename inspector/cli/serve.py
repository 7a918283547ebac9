"""``event-inspector serve``: the collector and query API on plain asyncio, no Qt imported."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import signal
import sys
from typing import TYPE_CHECKING, Any

from inspector import paths
from inspector.cli.common import server_flags

if TYPE_CHECKING:  # the collector (aiohttp) is imported when the command runs
    from inspector.collector.service import CollectorService
    from inspector.domain.capture import CapturedEvent, RawRequest


def api_token_for(host: str, given: str | None, lan: bool = False) -> str | None:
    """The token ``/api`` requires: the one given, or a new one when reachable from outside."""
    from inspector.collector.server import is_loopback

    if given:
        return given
    if is_loopback(host) and not lan:
        return None
    from inspector.collector.api_token import generate_token

    return generate_token()


def build_service(args: Any) -> CollectorService:
    from inspector.collector.service import CollectorService
    from inspector.domain.faults import parse_fault_spec
    from inspector.domain.store import Store
    from inspector.ingest.workers import SERVE_NICE

    store = Store(paths.data_dir(args.data_dir))
    session = store.open_session(args.session)
    # the workers step back a little (SERVE_NICE) so that answering clients comes first
    svc = CollectorService(
        store,
        session,
        lint=not getattr(args, "no_lint", False),
        writer_process=True,
        worker_nice=SERVE_NICE,
        forward=getattr(args, "forward", None),
    )
    for spec in getattr(args, "fault", None) or []:
        svc.faults.add(parse_fault_spec(spec))
    budget = getattr(args, "query_budget", None)
    if budget is not None:
        svc.queries.budget = budget
    return svc


async def serve(args: Any) -> int:
    from inspector.collector.server import CollectorServer, is_loopback
    from inspector.collector.startup import (
        lan_line,
        print_lan_warning,
        print_phone_setup,
        tls_line,
        token_line,
    )

    svc = build_service(args)
    if getattr(args, "print", False):
        out = sys.stdout

        from inspector.domain.secrets import mask_json_text

        def echo(events: list[CapturedEvent], raw: RawRequest) -> None:
            for ev in events:  # a writeKey a message carries is shown masked, as everywhere
                out.write(mask_json_text(ev.message_json()) + "\n")
            out.flush()

        svc.add_listener(echo)
    lan = bool(getattr(args, "lan", False))
    token = api_token_for(args.host, getattr(args, "token", None), lan)
    tls, tls_port = tls_setup(args)
    server = CollectorServer(
        svc,
        args.host,
        args.port,
        api_token=token,
        tls=tls,
        tls_port=tls_port,
        allow_origins=getattr(args, "allow_origin", None) or (),
        allow_hosts=getattr(args, "allow_host", None) or (),
        lan=lan,
    )
    try:
        url = await server.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"error: port {args.port} on {args.host} is already in use; "
                "pick another with --port (or --port 0 for any free port)",
                file=sys.stderr,
            )
        else:
            print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    if not is_loopback(args.host):
        print(f"warning: listening on {args.host}, reachable from other machines", file=sys.stderr)
    from inspector.collector.origins import origin_problem

    for origin in getattr(args, "allow_origin", None) or ():
        problem = origin_problem(origin)
        if problem:  # accepted as given, but no page's Origin will ever match it
            print(f"warning: --allow-origin: {problem}; it allows no page", file=sys.stderr)
    if lan:
        print_lan_warning(server, sys.stderr)
    # with --print, stdout carries NDJSON only
    info = sys.stderr if getattr(args, "print", False) else sys.stdout
    fw = f", forwarding to {svc.forwarder.url}" if svc.forwarder is not None else ""
    wide = (
        ""
        if is_loopback(args.host) and not lan
        else "  reachable from the network; /api needs the token"
    )
    print(
        f"listening on {url}  (session {svc.session.name!r}, data {svc.store.path}{fw}){wide}",
        file=info,
        flush=True,
    )
    if server.tls_url and tls is not None:
        print(tls_line(server), file=info, flush=True)
    if lan:
        print(lan_line(server), file=info, flush=True)
    if token and not getattr(args, "token", None):
        print(token_line(token), file=info, flush=True)
    print_phone_setup(server, info)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    max_seconds = getattr(args, "max_seconds", None)
    try:
        if max_seconds:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max_seconds)
        else:
            await stop.wait()
    finally:
        await server.stop()
        svc.store.close()
    return 0


def tls_setup(args: Any) -> tuple[Any, int | None]:
    """The local CA's certificate files and the HTTPS port, when ``--tls`` asks for them."""
    if not getattr(args, "tls", False) and not getattr(args, "lan", False):
        return None, None
    from inspector.collector.tls import machine_certificates

    tls_port = args.tls_port
    if tls_port is None:
        tls_port = 0 if args.port == 0 else args.port + 1
    return machine_certificates(paths.data_dir(args.data_dir)), tls_port


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the collector and query API headless (no Qt)")
    server_flags(p)
    p.add_argument("--print", action="store_true", help="echo one NDJSON line per event")
    p.add_argument(
        "--tls",
        action="store_true",
        help="also serve HTTPS on a second port, with a certificate from a local CA kept in "
        "the data directory (GET /ca.pem to trust it)",
    )
    p.add_argument(
        "--tls-port", type=int, help="HTTPS port (default: --port + 1; 0 picks a free port)"
    )
    p.add_argument(
        "--plan",
        metavar="FILE",
        help="lint against this tracking plan (JSON Schema rules or simple YAML); its "
        "violations are findings like the built-in rules, and GET /api/coverage reports on it",
    )
    p.add_argument(
        "--query-budget",
        type=float,
        metavar="SECONDS",
        help="stop an /api read that runs longer and answer 400 query_too_slow (default 10)",
    )
    p.add_argument("--max-seconds", type=float, help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def use_plan(plan: str | None) -> str | None:
    """Check the plan and hand it to the lint workers (before they start); an error or None."""
    if not plan:
        return None
    from pathlib import Path

    from inspector.domain.lint import PlanError, load_plan
    from inspector.domain.lint.profile import LintProfile, activate

    try:
        load_plan(plan)
    except PlanError as exc:
        return str(exc)
    activate(LintProfile(plan=str(Path(plan).resolve()), config_dir=str(Path.cwd())))
    return None


def run(args: argparse.Namespace) -> int:
    if args.port is None:
        args.port = 8787
    problem = use_plan(getattr(args, "plan", None))
    if problem:
        print(f"error: --plan: {problem}", file=sys.stderr)
        return 2
    from inspector.collector.failsafe import mask_stderr_log

    mask_stderr_log()
    return asyncio.run(serve(args))
