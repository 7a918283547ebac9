"""What the QA panels remember between runs: the flow files opened, and the tracking plan
loaded for each data directory (``qa.json`` in the config directory)."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from inspector import paths

FILE = "qa.json"


@dataclass
class QaMemory:
    flows: list[str] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)  # resolved data dir -> plan file
    config_dir: Path | None = None

    @classmethod
    def load(cls, config_dir: Path | None = None) -> QaMemory:
        d = config_dir or paths.config_dir()
        mem = cls(config_dir=d)
        with contextlib.suppress(OSError, ValueError, TypeError):
            data = json.loads((d / FILE).read_text(encoding="utf-8"))
            mem.flows = [str(p) for p in data.get("flows") or []]
            mem.plans = {str(k): str(v) for k, v in (data.get("plans") or {}).items()}
        return mem

    def save(self) -> None:
        d = self.config_dir or paths.config_dir()
        data = asdict(self)
        data.pop("config_dir")
        with contextlib.suppress(OSError):
            d.mkdir(parents=True, exist_ok=True)
            tmp = d / (FILE + ".tmp")
            tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
            os.replace(tmp, d / FILE)

    def plan_for(self, data_dir: Path) -> str | None:
        return self.plans.get(str(Path(data_dir).resolve()))

    def set_plan(self, data_dir: Path, plan: str | None) -> None:
        key = str(Path(data_dir).resolve())
        if plan:
            self.plans[key] = plan
        else:
            self.plans.pop(key, None)
        self.save()
