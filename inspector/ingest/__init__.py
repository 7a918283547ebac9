"""The ingest path: from "bytes accepted" to "rows stored and announced".

Read it top to bottom in this order; every source enters the same way::

    HTTP routes (collector)   KISSmetrics      import FILE         a collector that died
          |                       |                 |                       |
          v                       v                 |                       |
    front.Front: un-gzip, parse once to answer 400, faults                  |
          |   one inbox row, committed: then the client gets its answer     |
          v                                         |                       |
    inbox (records, inbox): <data>/inbox/*.sqlite3  |      recovery.recover: its inbox files
          |                                         |                       |
          v                                         v                       v
    pipeline.Pipeline --- steps of 40 rows --->  stages.Stages
          |                    prepare: build (the second and last parse), encode once,
          |                             lint (each session's linter, bounded per event)
          |                    store:   one BEGIN IMMEDIATE transaction per step: ids,
          |                             sequence numbers, duplicates (dedupe), rows, progress
          v
    announce: stored rows back as events (no JSON parsed) -> identity graph, listeners

Processes (``serve`` with lint on 2+ cores; without lint, on one core and in the window,
one worker prepares and stores)::

    collector (event loop) --rows--> prepare worker --prepared--> collector --> store worker
         ^                                                                          |
         +------------------------- stored ids, heads, findings <------------------+

Any number of processes may write one data directory (``serve``, the window, ``import``):
nothing is assigned outside a write transaction. A step that fails twice goes again a row at
a time, and a row that fails twice is kept as a rejected request (quarantined), so one odd
event never holds up those behind it.

Modules: :mod:`front` (the door), :mod:`records` and :mod:`inbox` (what is kept before the
answer), :mod:`pipeline` and :mod:`schedule` (the queue, its steps, failures) and
:mod:`workers` (processes), :mod:`stages`, :mod:`build`, :mod:`encode`, :mod:`linting`,
:mod:`prepared`, :mod:`storestep`, :mod:`dedupe` (the work), :mod:`announce` (back to the
collector), :mod:`recovery`, :mod:`importer` and :mod:`capture` (files in and out),
:mod:`repair` and :mod:`pages` (damaged files).
"""

from inspector.ingest.announce import announced
from inspector.ingest.front import Front, Outcome
from inspector.ingest.linting import default_linter
from inspector.ingest.pipeline import Pipeline, QueueFull
from inspector.ingest.prepared import Stored
from inspector.ingest.recovery import recover

__all__ = [
    "Front",
    "Outcome",
    "Pipeline",
    "QueueFull",
    "Stored",
    "announced",
    "default_linter",
    "recover",
]
