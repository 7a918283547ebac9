"""Recovery: what a collector that is gone acknowledged but did not store.

Every command that opens a data directory (``serve``, the window, ``export``, ``sessions``,
``import``...) first stores what the inbox files of dead collectors still hold, through the
same stages as live requests, in order, exactly once (the store records each file's
progress). A row that cannot be processed twice over is kept as a rejected request
(quarantined) and recovery moves on; a file SQLite cannot read is left where it is, with one
line saying so (``event-inspector repair`` salvages it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from inspector.domain.errors import DamagedFile
from inspector.domain.store import Store
from inspector.ingest.inbox import orphans, progress_key
from inspector.ingest.linting import Linter
from inspector.ingest.schedule import transient
from inspector.ingest.stages import Stages

log = logging.getLogger(__name__)
STEP = 200


def recover(store: Store, linter_factory: Callable[[], Linter] | None) -> int:
    """Store what dead collectors' inbox files hold; returns how many requests that was.
    Each file is deleted once the store has all of it."""
    from inspector.ingest.importer import undo_abandoned

    undo_abandoned(store)  # an import killed mid-file: all or nothing
    count = 0
    damaged: list[DamagedFile] = []
    for inbox in orphans(store.data_dir, damaged):
        stages = Stages(store, linter_factory)
        path = str(inbox.path)
        try:
            count += _drain(stages, path, inbox.last_id)
        except DamagedFile as bad:
            damaged.append(bad)
            stages.close_inbox(path)
            inbox.close()
            continue
        stages.close_inbox(path)
        inbox.close(delete=True)
        store.delete_meta(progress_key(inbox.path))
    for exc in damaged:
        log.warning("warning: the inbox file %s", exc)
    if count:
        log.warning("recovered %d acknowledged requests from a collector that stopped", count)
    return count


def _drain(stages: Stages, path: str, last: int) -> int:
    assert stages.store is not None
    key = progress_key(stages._reader(path).path)
    count = 0
    while (done := int(stages.store.meta_value(key) or 0)) < last:
        upto = min(last, done + STEP)
        try:
            stages.process_step(path, done, upto, False)
        except Exception as exc:
            if transient(exc) or isinstance(exc, DamagedFile):
                raise
            log.error(
                "recovering inbox rows %d..%d failed (%r); one at a time", done + 1, upto, exc
            )
            for row in range(done + 1, upto + 1):
                _one(stages, path, row)
        count += upto - done
    return count


def _one(stages: Stages, path: str, row: int) -> None:
    for attempt in (1, 2):
        try:
            stages.process_step(path, row - 1, row, False)
            return
        except Exception as exc:
            if transient(exc) or isinstance(exc, DamagedFile):
                raise
            if attempt == 2:
                log.error("inbox row %d of %s failed twice: kept as a rejected request", row, path)
                stages.quarantine(path, row, repr(exc)[:500])
