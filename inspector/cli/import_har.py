"""``event-inspector import FILE.har``: the tracking calls of a HAR file into a session,
through the collector's ingest path (checked, linted, deduped as live traffic is)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from inspector.cli.common import open_store


def is_har(path: str) -> bool:
    return path.lower().endswith(".har")


def import_har(args: argparse.Namespace) -> int:
    from inspector.collector.har_ingest import ingest_har
    from inspector.collector.service import CollectorService
    from inspector.domain.har_import import HarError, read_har

    path = Path(args.file)
    try:
        read = read_har(path)
    except HarError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store = open_store(args.data_dir)
    session = store.open_session(args.session or f"import {path.name}")
    svc = CollectorService(store, session)  # not started: each request is stored at once

    async def run() -> str:
        try:
            done = await ingest_har(svc, read)
        finally:
            await svc.stop()
        return done.summary(path.name, session.name)

    print(asyncio.run(run()), file=sys.stderr)
    store.close()
    return 0
