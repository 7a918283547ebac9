"""Spec data files are located (repo or wheel layout) and compiled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inspector.domain.lint.specdata import describe, load_catalog, specs_dir


def test_repository_layout_found() -> None:
    d = specs_dir()
    assert d.name == "specs" and (d / "ecommerce-v2.yaml").is_file()


def test_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(specs_dir() / "ab-testing.yaml", tmp_path)
    monkeypatch.setenv("EVENT_INSPECTOR_SPECS", str(tmp_path))
    assert specs_dir() == tmp_path
    cat = load_catalog(specs_dir())
    assert list(cat.events) == ["Experiment Viewed"]


def test_catalog_content() -> None:
    cat = load_catalog()
    assert {"ecommerce-v2", "b2b-saas", "mobile", "video", "email"} <= set(cat.specs)
    oc = cat.events["Order Completed"]
    assert oc.keys == [("order_id",)] and oc.props["products"].is_array
    assert cat.legacy["Completed Order"] == "Order Completed"
    assert cat.events["Signed Up"].b2b and cat.events["Video Ad Playing"].video
    assert oc.props["total"].ok(1.5) and not oc.props["total"].ok("1.5")
    assert not oc.props["total"].ok(True)
    assert describe("A<Product>") == "an array of Product objects"
    assert describe("S|O") == "a string or an object"
