"""User settings: a pydantic model saved as JSON under the platform config dir.

Window geometry and splitter/header state are not settings; they live in QSettings.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from inspector import paths

log = logging.getLogger(__name__)
FILE_NAME = "settings.json"


class AppSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8787, ge=0, le=65535)
    data_dir: str | None = None
    theme: str = "system"  # system | light | dark
    recent_filters: list[str] = Field(default_factory=list)
    first_run_dismissed: bool = False
    # the folder each kind of file dialog last used (export, compare, people, data)
    dialog_dirs: dict[str, str] = Field(default_factory=dict)
    # forward (tee): accepted requests go on to this URL (None: off)
    forward_url: str | None = None
    # pages that may use /api from a browser, and Host names accepted (--allow-origin/-host)
    allow_origins: list[str] = Field(default_factory=list)
    allow_hosts: list[str] = Field(default_factory=list)

    @field_validator("host")
    @classmethod
    def _host(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("the listen address cannot be empty")
        return v

    @field_validator("forward_url")
    @classmethod
    def _forward(cls, v: str | None) -> str | None:
        if not v or not v.strip():
            return None
        from inspector.collector.forward import check_url

        return check_url(v)  # a ForwardUrlError is a ValueError: the setting is refused

    def remember_filter(self, text: str, keep: int = 15) -> None:
        text = text.strip()
        if not text:
            return
        self.recent_filters = [text, *[f for f in self.recent_filters if f != text]][:keep]


def settings_path(config_dir: Path | None = None) -> Path:
    return (config_dir or paths.config_dir()) / FILE_NAME


def load_settings(config_dir: Path | None = None) -> AppSettings:
    p = settings_path(config_dir)
    if not p.exists():
        return AppSettings()
    try:
        return AppSettings.model_validate(json.loads(p.read_text("utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        log.warning("ignoring unreadable settings %s: %s", p, exc)
        return AppSettings()


def save_settings(s: AppSettings, config_dir: Path | None = None) -> Path:
    p = settings_path(config_dir)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(s.model_dump_json(indent=2), "utf-8")
    tmp.replace(p)
    return p
