"""Platform directories (data, config, logs), overridable for tests and scripts."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "event-inspector"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override)
    env = os.environ.get("EVENT_INSPECTOR_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get("EVENT_INSPECTOR_CONFIG_DIR")
    return Path(env) if env else Path(platformdirs.user_config_dir(APP, appauthor=False))


def log_dir() -> Path:
    env = os.environ.get("EVENT_INSPECTOR_LOG_DIR")
    return Path(env) if env else Path(platformdirs.user_log_dir(APP, appauthor=False))
