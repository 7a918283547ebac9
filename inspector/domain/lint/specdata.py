"""Semantic event specs shipped as YAML data files, located and compiled once.

The files live in ``resources/specs`` of the repository (editable install) and are
force-included as ``inspector/_resources/specs`` in the wheel. ``EVENT_INSPECTOR_SPECS``
overrides both.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from inspector.domain.lint.values import is_date_like, is_number

Checker = Callable[[Any], bool]


def specs_dir() -> Path:
    """Where the spec data files are: env override, installed wheel, then the repository."""
    env = os.environ.get("EVENT_INSPECTOR_SPECS")
    pkg = Path(__file__).resolve().parents[2]  # .../inspector
    candidates = ([Path(env)] if env else []) + [
        pkg / "_resources" / "specs",
        pkg.parent / "resources" / "specs",
    ]
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError(
        "spec data not found; looked in " + ", ".join(str(c) for c in candidates)
    )


@dataclass(slots=True)
class PropType:
    code: str
    ok: Checker
    items: dict[str, PropType] | None = None  # object shape for A<Obj> / O<Obj>
    is_array: bool = False


@dataclass(slots=True)
class SpecEvent:
    name: str
    spec: str
    url: str
    props: dict[str, PropType]
    keys: list[tuple[str, ...]] = field(default_factory=list)
    b2b: bool = False
    video: bool = False


@dataclass(slots=True)
class SpecCatalog:
    events: dict[str, SpecEvent]
    legacy: dict[str, str]  # v1 name -> spec name
    enums: dict[str, list[str]]
    ranges: dict[str, tuple[float, float]]
    specs: dict[str, str]  # spec id -> title


_SIMPLE: dict[str, Checker] = {
    "S": lambda v: type(v) is str,
    "N": is_number,
    "I": is_number,  # integer-ness is W047's business (video); W024 checks the JSON type
    "B": lambda v: type(v) is bool,
    "O": lambda v: type(v) is dict,
    "D": is_date_like,
    "A": lambda v: type(v) is list,
}


def _compile(code: str, objects: dict[str, dict[str, str]]) -> PropType:
    code = code.strip()
    if "|" in code and len(alts := re.split(r"\|(?![^<]*>)", code)) > 1:
        parts = [_compile(p, objects) for p in alts]
        return PropType(code, lambda v: any(p.ok(v) for p in parts))
    if code.startswith(("A<", "O<")) and code.endswith(">"):
        inner = code[2:-1]
        if code[0] == "A":
            if inner in objects:
                shape = {k: _compile(t, objects) for k, t in objects[inner].items()}
                return PropType(code, _SIMPLE["A"], shape, True)
            elem = _compile(inner, objects)
            return PropType(code, lambda v: type(v) is list and all(elem.ok(x) for x in v))
        shape = {k: _compile(t, objects) for k, t in objects[inner].items()}
        return PropType(code, _SIMPLE["O"], shape)
    if code not in _SIMPLE:
        raise ValueError(f"unknown type code {code!r}")
    return PropType(code, _SIMPLE[code])


TYPE_WORDS = {
    "S": "a string",
    "N": "a number",
    "I": "an integer",
    "B": "a boolean",
    "O": "an object",
    "D": "an ISO-8601 date",
    "A": "an array",
}


_PLURAL = {
    "S": "strings",
    "N": "numbers",
    "I": "integers",
    "B": "booleans",
    "O": "objects",
    "D": "ISO-8601 dates",
}


def describe(code: str) -> str:
    if code.startswith("A<"):
        inner = code[2:-1]
        return f"an array of {_PLURAL.get(inner, inner + ' objects')}"
    if code.startswith("O<"):
        return f"a {code[2:-1]} object"
    if "|" in code:
        return " or ".join(TYPE_WORDS.get(p, p) for p in code.split("|"))
    return TYPE_WORDS.get(code, code)


def load_catalog(directory: Path | None = None) -> SpecCatalog:
    directory = directory or specs_dir()
    events: dict[str, SpecEvent] = {}
    legacy: dict[str, str] = {}
    enums: dict[str, list[str]] = {}
    ranges: dict[str, tuple[float, float]] = {}
    specs: dict[str, str] = {}
    for path in sorted(directory.glob("*.y*ml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        spec, url = data["spec"], data.get("url", "")
        specs[spec] = data.get("title", spec)
        objects = data.get("objects") or {}
        enums.update(data.get("enums") or {})
        for k, v in (data.get("ranges") or {}).items():
            ranges[k] = (float(v[0]), float(v[1]))
        for name, ev in (data.get("events") or {}).items():
            props = {k: _compile(str(t), objects) for k, t in (ev.get("props") or {}).items()}
            keys = [tuple(k.split("|")) for k in ev.get("key") or []]
            events[name] = SpecEvent(
                name,
                spec,
                url,
                props,
                keys,
                bool(data.get("requires_context_group")),
                bool(data.get("video")),
            )
            for old in ev.get("legacy") or []:
                legacy[old] = name
    return SpecCatalog(events, legacy, enums, ranges, specs)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def default_catalog() -> SpecCatalog:
    return load_catalog()
