"""Who keeps the query indexes up to date: a worker of their own, beside the store writer.

The free-text and number indexes live in a file of their own
(:mod:`inspector.domain.query.indexer`), so filling them never waits for, nor holds up, the
store writer. The pipeline runs an :class:`IndexLoop`: after each stored step (and once at
start, for what an earlier run left), it gives its worker one indexing step after another
until the index has caught up. The worker is a process at the lowest priority
(``process=True``: during a burst it takes only the CPU the writer and the event loop leave),
or a thread; it is started on the first step there is something to index.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from inspector.domain.store import Store
from inspector.ingest.stages import Stages
from inspector.ingest.workers import Worker

log = logging.getLogger(__name__)
#: events per indexing step: a bigger step writes bigger index segments (less merging later);
#: a step is one write transaction on the index file, which only other indexers wait for.
#: `benchmarks/ingest_size.py --events 1000000` on a quiet 2-core machine, with serve's two
#: workers side by side: caught up 31.2 s after the last event was stored at 4,096 (and the
#: number paths found after a regular expression), 25.8 s at 16,384 (~0.5 s a step)
STEP = 16384
#: the indexer's niceness: the lowest, whatever the writer's. It takes the CPU that nothing
#: else wants: on a quiet machine that is most of a core beside the writer during a burst, and
#: all of one after it; on a busy one it waits for the writer instead of taking a share of its
#: CPU (queries stay exact meanwhile: they read the events not indexed yet). At 2 levels below
#: the writer, `benchmarks/ingest.py` (full, this shared 2-core machine at load ~6) spent
#: 92-97 µs of CPU an event, the indexer's included, and processed 0.17-0.18x the baseline;
#: with the indexer off, 58-61 µs and 0.32-0.33x.
INDEXER_NICE = 19
#: seconds with nothing stored after the index caught up, before the write-ahead logs are cut
#: to nothing (``Store.tidy``: up to 8 MiB each, the store's and the index file's)
TIDY_AFTER = 2.0


class IndexLoop:
    def __init__(self, store: Store, *, process: bool) -> None:
        self.store = store
        self.worker = Worker(
            "indexer",
            initargs=(str(store.data_dir), False, INDEXER_NICE),
            local=None if process else Stages(store, None),
        )
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Future[None] | None = None
        self._due = True
        self._tidy = False  # whether logs may hold a burst's frames (cut once idle)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.worker.loop = loop
        self._task = loop.create_task(self._run(), name="query-indexer")

    def due(self) -> None:
        """Events were stored: index them."""
        self._due = True
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    def _behind(self) -> bool:
        """Whether stored events wait for the index (a cheap read on the caller's thread)."""
        try:
            upto = self.store.indexer.upto()
            last = self.store.select("SELECT COALESCE(MAX(id), 0) FROM events")[0][0]
        except Exception:  # a store being closed: the next step says
            return True
        return bool(upto < last)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._due:
                self._wake = loop.create_future()
                if self._tidy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(self._wake), TIDY_AFTER)
                    if not self._wake.done():
                        self._tidy = False
                        await self._tidy_logs()
                if not self._due:
                    await self._wake
                self._wake = None
            self._due = False
            if not self._behind():
                continue
            self._tidy = True
            while True:
                try:
                    n = await self.worker.call("index", STEP)
                except Exception:
                    log.exception("indexing failed; queries still answer (they read the rows)")
                    await asyncio.sleep(1.0)
                    self._due = True
                    break
                if n == 0:
                    break

    async def _tidy_logs(self) -> None:
        try:
            await self.worker.call("tidy")
        except Exception:  # the logs stay as they are: nothing is lost
            log.warning("cutting the write-ahead logs failed", exc_info=True)

    async def stop(self) -> None:
        """Stop indexing at once (a step in a process is not waited for: uncommitted, it is
        done again by the next indexer)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):  # cancelled, or the worker's failure
                await self._task
            self._task = None
        self.worker.shutdown(wait=False)
