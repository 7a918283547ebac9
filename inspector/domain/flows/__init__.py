"""Flows: an expected journey as ordered steps (queries), checked per person, identity-aware.

flow = load_flow("checkout.yaml")
result = check_flow(flow, StoreSource(store, session.id, people, ctx))
result.passed, result.person, [s.status for s in result.steps]
"""

from inspector.domain.flows.check import FlowResult, StepResult, check_flow, result_of, runs
from inspector.domain.flows.evaluate import Hit, PersonRun, evaluate_hits, walk
from inspector.domain.flows.model import Flow, FlowError, Step, dump_flow, flow_from_data, load_flow
from inspector.domain.flows.report import checklist_text, junit_xml
from inspector.domain.flows.sources import (
    ListSource,
    People,
    StoreSource,
    actor_of,
    session_source,
)

__all__ = [
    "Flow",
    "FlowError",
    "FlowResult",
    "Hit",
    "ListSource",
    "People",
    "PersonRun",
    "Step",
    "StepResult",
    "StoreSource",
    "actor_of",
    "check_flow",
    "checklist_text",
    "dump_flow",
    "evaluate_hits",
    "flow_from_data",
    "junit_xml",
    "load_flow",
    "result_of",
    "runs",
    "session_source",
    "walk",
]
