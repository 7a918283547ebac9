"""POST /api/assert: a pass/fail report per expectation."""

from __future__ import annotations

import pytest

from tests.qa.conftest import batch, needs_query

pytestmark = needs_query

MESSAGES = [
    {
        "type": "track",
        "userId": "u1",
        "event": "Order Completed",
        "properties": {"revenue": 9.99, "currency": "USD", "products": [{"sku": "A1"}]},
    },
    {"type": "track", "userId": "u1", "event": "Product Viewed", "properties": {"sku": "A1"}},
    {"type": "track", "userId": "u2", "event": "Product Viewed", "properties": {"sku": "B2"}},
    {"type": "track", "userId": "u2", "event": "bad event", "properties": {}},
    {"type": "identify", "userId": "u1", "traits": {"plan": "pro", "email": "a@b.c"}},
]


@pytest.fixture
def filled(client):
    batch(client.url, MESSAGES)
    return client


def run(client, expectations):
    status, body = client.request("POST", "/api/assert", body={"expectations": expectations})
    assert status == 200, body
    return body


def test_all_kinds_pass(filled):
    body = run(
        filled,
        [
            {"name": "checkout", "q": 'type:track event:"Order Completed"', "count": 1},
            {"q": 'event:"Product Viewed"', "min": 1, "max": 3},
            {"q": 'event:"Product Viewed"', "noLintErrors": True},
            {
                "q": 'event:"Order Completed"',
                "properties": {"revenue": 9.99, "currency": "USD", "products.0.sku": "A1"},
            },
            {"q": "type:identify", "properties": {"plan": "pro"}},
            {"q": "type:alias", "count": 0},
        ],
    )
    assert body["passed"] is True
    assert body["summary"] == {"expectations": 6, "passed": 6, "failed": 0}
    first = body["results"][0]
    assert first["name"] == "checkout" and first["q"] == 'type:track event:"Order Completed"'
    assert first["expected"] == {"count": 1} and first["actual"] == {"count": 1}
    assert first["message"] == "ok" and len(first["events"]) == 1
    assert body["results"][1]["name"] == 'event:"Product Viewed"'  # defaults to the query
    assert body["results"][1]["expected"] == {"min": 1, "max": 3}
    assert body["results"][2]["actual"] == {"count": 2, "lintErrors": 0}


def test_failures_say_why(filled):
    body = run(
        filled,
        [
            {"name": "one checkout", "q": 'event:"Order Completed"', "count": 2},
            {"q": 'event:"Product Viewed"', "max": 1},
            {"q": "type:track", "noLintErrors": True},
            {"q": 'event:"Product Viewed"', "properties": {"sku": "A1"}},
            {"q": 'event:"Signed Up"'},
            {"q": 'event:"Order Completed"', "properties": {"coupon": "X"}},
        ],
    )
    assert body["passed"] is False
    assert body["summary"]["failed"] == 6
    msgs = [r["message"] for r in body["results"]]
    assert msgs[0] == "expected exactly 2 events, got 1"
    assert msgs[1] == "expected at most 1 event, got 2"
    assert "1 event with lint errors" in msgs[2] and "T001" in msgs[2]
    lint_check = next(c for c in body["results"][2]["checks"] if c["check"] == "lintErrors")
    assert lint_check["findings"][0]["rule"] == "T001"
    assert '1 of 2 events differ from sku="A1"' in msgs[3] and '"B2"' in msgs[3]
    mism = next(c for c in body["results"][3]["checks"] if c["check"] == "properties")
    assert mism["mismatches"][0]["actual"] == "B2"
    assert msgs[4] == "expected at least 1 event, got 0"  # no bounds: at least one
    assert "has no coupon" in msgs[5]


def test_properties_any_and_numeric_equality(filled):
    body = run(
        filled,
        [
            {"q": 'event:"Product Viewed"', "properties": {"sku": "B2"}, "propertiesMatch": "any"},
            {"q": 'event:"Order Completed"', "properties": {"revenue": 9.990000000001}},
            {"q": 'event:"Order Completed"', "properties": {"revenue": "9.99"}},
        ],
    )
    assert [r["passed"] for r in body["results"]] == [True, True, False]


def test_lint_warnings_check(client):
    batch(client.url, [{"type": "track", "userId": "u", "event": "warn me"}])
    body = run(client, [{"q": "", "noLintErrors": True}, {"q": "", "noLintWarnings": True}])
    assert [r["passed"] for r in body["results"]] == [True, False]


def test_list_body_and_empty(filled):
    status, body = filled.request("POST", "/api/assert", body=[{"q": "type:track", "min": 4}])
    assert status == 200 and body["passed"]
    assert run(filled, [])["passed"] is True


@pytest.mark.parametrize(
    ("payload", "code", "text"),
    [
        ({"expectations": [{"q": "(type:track"}]}, "invalid_query", "expectations[0].q: column"),
        ({"expectations": [{"q": "", "count": -1}]}, "invalid_expectation", "non-negative"),
        ({"expectations": [{"count": 1, "min": 1}]}, "invalid_expectation", "not both"),
        ({"expectations": [{"min": 3, "max": 1}]}, "invalid_expectation", "min is greater"),
        ({"expectations": [{"cuont": 1}]}, "invalid_expectation", "unknown key(s) cuont"),
        ({"expectations": [{"properties": [1]}]}, "invalid_expectation", "properties"),
        ({"expectations": ["x"]}, "invalid_expectation", "must be an object"),
        ({"nothing": 1}, "invalid_body", "expectations"),
    ],
)
def test_bad_requests(client, payload, code, text):
    status, body = client.request("POST", "/api/assert", body=payload)
    assert status == 400 and body["code"] == code and text in body["message"]


def test_other_session(filled, collector):
    status, body = filled.request(
        "POST", "/api/assert", body={"session": "nope", "expectations": []}
    )
    assert status == 404
    status, body = filled.request(
        "POST", "/api/assert", body={"session": "pytest", "expectations": [{"min": 5}]}
    )
    assert status == 200 and body["passed"] and body["session"]["name"] == "pytest"
