"""Spec linter and tracking plans for Segment-style messages.

``LintEngine`` runs the rule catalogue (``RULES``) over captured events; ``load_config``
reads ``.event-inspector.toml``; ``load_plan`` reads a tracking plan.
"""

from __future__ import annotations

from inspector.domain.lint.config import ConfigError, LintConfig, load_config
from inspector.domain.lint.engine import LintEngine
from inspector.domain.lint.plan import PlanError, TrackingPlan, load_plan
from inspector.domain.lint.registry import RULES, Rule

__all__ = [
    "RULES",
    "ConfigError",
    "LintConfig",
    "LintEngine",
    "PlanError",
    "Rule",
    "TrackingPlan",
    "load_config",
    "load_plan",
]
