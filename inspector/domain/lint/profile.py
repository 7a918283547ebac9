"""What a collector lints with beyond ``.event-inspector.toml``: a tracking plan given on the
command line (``serve --plan``) or loaded in the window, and where the project's config is.

The linters run in worker processes that the collector spawns; they inherit its environment.
So a collector that has a profile writes it to a small JSON file of its own and names that
file in :data:`ENV` before its workers start; every linter made afterwards (a new session, or
after ``reset_lint``) reads the file again, so changing the plan or the config applies live:
write the profile, then reset the linters.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from inspector.domain.lint.config import LintConfig, find_config, load_config
from inspector.domain.lint.plan import TrackingPlan, load_plan

ENV = "EVENT_INSPECTOR_LINT_PROFILE"
log = logging.getLogger(__name__)
_own: Path | None = None  # the profile file this process made


@dataclass(frozen=True, slots=True)
class LintProfile:
    plan: str | None = None  # a tracking plan file, over the config's ``plan``
    config_dir: str | None = None  # where ``.event-inspector.toml`` is looked for (cwd)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> LintProfile:
        data = json.loads(text)
        return cls(plan=data.get("plan") or None, config_dir=data.get("config_dir") or None)

    def config(self) -> LintConfig:
        """The project's lint config (``ConfigError`` when it cannot be read)."""
        return load_config(Path(self.config_dir) if self.config_dir else Path.cwd())

    def config_path(self) -> Path | None:
        return find_config(Path(self.config_dir) if self.config_dir else Path.cwd())

    def plan_path(self, config: LintConfig | None = None) -> Path | None:
        if self.plan:
            return Path(self.plan)
        cfg = config if config is not None else self.config()
        return cfg.plan

    def load_plan(self, config: LintConfig | None = None) -> TrackingPlan | None:
        """The plan in effect (``PlanError`` when it cannot be read), or None."""
        path = self.plan_path(config)
        return load_plan(path) if path is not None else None


def current() -> LintProfile:
    """This process's profile (the defaults when none was activated, or it is unreadable)."""
    path = os.environ.get(ENV)
    if path:
        with contextlib.suppress(OSError, ValueError):
            return LintProfile.from_json(Path(path).read_text(encoding="utf-8"))
    return LintProfile()


def activate(profile: LintProfile) -> Path:
    """Write ``profile`` where this process's workers will read it (a file of its own, named
    in :data:`ENV`, removed at exit); again: the file is rewritten. Call before workers start.
    A file inherited from a parent process is never written: this process makes its own."""
    global _own
    path = _own
    if path is None or os.environ.get(ENV) != str(path):
        fd, name = tempfile.mkstemp(prefix="event-inspector-lint-", suffix=".json")
        os.close(fd)
        path = _own = Path(name)
        atexit.register(_remove, path)
        os.environ[ENV] = str(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(profile.to_json(), encoding="utf-8")
    os.replace(tmp, path)  # a worker never reads half a file
    return path


def deactivate() -> None:
    """No profile any more; the file is removed if this process made it."""
    global _own
    path = os.environ.pop(ENV, None)
    if path and _own is not None and Path(path) == _own:
        _remove(_own)
        _own = None


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def configured_linter(start_dir: str | None = None) -> Any:
    """The lint engine for the ingest path: the project's config and the plan in effect."""
    from inspector.domain.lint.config import ConfigError
    from inspector.domain.lint.engine import LintEngine
    from inspector.domain.lint.plan import PlanError

    profile = current()
    if start_dir and not profile.config_dir:
        profile = LintProfile(profile.plan, start_dir)
    try:
        config = profile.config()
    except ConfigError as exc:  # checked where it was chosen; a file broken since: defaults
        log.warning("lint config unusable, linting with the defaults: %s", exc)
        config = LintConfig()
    try:
        plan = profile.load_plan(config)
    except PlanError as exc:
        log.warning("tracking plan unusable, linting without it: %s", exc)
        plan = None
    return LintEngine(config=config, plan=plan)
