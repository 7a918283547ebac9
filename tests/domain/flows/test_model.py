"""Flow files: YAML or JSON, every step's query checked, errors that name step and column."""

from __future__ import annotations

import json

import pytest

from inspector.domain.flows import FlowError, dump_flow, flow_from_data, load_flow

CHECKOUT = """\
name: Checkout
steps:
  - q: 'type:page name:Pricing'
  - q: 'type:track event:"Signed Up"'
  - q: type:identify
  - q: 'type:track event:"Order Completed" properties.revenue:>0'
"""


def test_yaml_and_json_give_the_same_flow(tmp_path):
    y = tmp_path / "checkout.yaml"
    y.write_text(CHECKOUT)
    j = tmp_path / "checkout.json"
    flow = load_flow(y)
    j.write_text(json.dumps(flow.to_data()))
    assert load_flow(j) == flow
    assert flow.name == "Checkout" and len(flow.steps) == 4
    assert flow.steps[1].q == 'type:track event:"Signed Up"'


def test_dump_round_trips(tmp_path):
    flow = flow_from_data(
        {"name": "Ünïcode", "steps": [{"q": "type:page", "name": "Landing"}, "type:identify"]}
    )
    p = tmp_path / "f.yaml"
    p.write_text(dump_flow(flow))
    assert load_flow(p) == flow
    assert flow.steps[1].q == "type:identify"  # a bare string is a step


def test_name_defaults_to_the_file_name(tmp_path):
    p = tmp_path / "signup.yaml"
    p.write_text("steps: [type:identify]\n")
    assert load_flow(p).name == "signup"


@pytest.mark.parametrize(
    ("data", "step", "column", "text"),
    [
        ({"name": "x", "steps": [{"q": "type:page"}, {"q": "(event:A"}]}, 2, 1, "step 2, column 1"),
        ({"name": "x", "steps": [{"q": "type:page properties.x:>"}]}, 1, 25, "step 1, column 25"),
        ({"name": "x", "steps": [{"q": 5}]}, 1, None, "steps[0].q"),
        ({"name": "x", "steps": [{"q": "a", "wait": 3}]}, 1, None, "steps[0].wait"),
        ({"name": "x", "steps": []}, None, None, "steps"),
        ({"name": "x"}, None, None, "steps"),
        (["type:page"], None, None, "a flow is an object"),
    ],
)
def test_bad_flows_say_where(data, step, column, text):
    with pytest.raises(FlowError) as err:
        flow_from_data(data)
    assert err.value.step == step and err.value.column == column
    assert text in str(err.value)
    body = err.value.to_dict()
    assert body["code"] == "invalid_flow" and body.get("step") == step


def test_unreadable_files_are_flow_errors(tmp_path):
    with pytest.raises(FlowError, match="cannot read it"):
        load_flow(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsteps: [\n")
    with pytest.raises(FlowError, match=r"line .*not valid YAML"):
        load_flow(bad)
    badj = tmp_path / "bad.json"
    badj.write_text('{"name": ')
    with pytest.raises(FlowError, match="line 1: not valid JSON"):
        load_flow(badj)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FlowError):
        load_flow(binary)
