"""Validate a document against HAR 1.2 with the JSON Schemas of the ``har-schema`` npm package
(pinned in tests/clients/node/package.json), plus what those schemas leave out."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT6

from tests.clients.npm import ensure_node_modules


def har_validator() -> jsonschema.Draft6Validator:
    lib = ensure_node_modules() / "har-schema" / "lib"
    resources = []
    for path in sorted(lib.glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"].rstrip("#"), Resource.from_contents(schema, DRAFT6)))
    registry: Registry[Any] = Registry().with_resources(resources)
    root = json.loads((lib / "har.json").read_text())
    return jsonschema.Draft6Validator(
        root, registry=registry, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


def assert_valid_har(doc: dict[str, Any]) -> None:
    errors = sorted(har_validator().iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    log = doc["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] and log["creator"]["version"]
    for e in log["entries"]:
        # the spec: time is the sum of the non-negative timings; sizes are -1 when unknown
        t = e["timings"]
        assert abs(e["time"] - sum(v for k, v in t.items() if k != "ssl" and v >= 0)) < 1e-6
        for key in ("send", "wait", "receive"):
            assert isinstance(t[key], (int, float)) and t[key] >= 0
        assert isinstance(e["response"]["content"]["size"], int)
        if "postData" in e["request"]:
            assert isinstance(e["request"]["postData"]["text"], str)
