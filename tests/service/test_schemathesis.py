"""Property-based API testing with schemathesis against /openapi.json of the live server (real engine).

For every operation, schemathesis generates schema-conforming (positive) and schema-violating
(negative) requests; each response must be no 5xx, with a documented status code and content type,
and a body matching its schema. At least 1000 requests are sent in all.

(Driven through `operation.as_strategy()` + Hypothesis rather than schemathesis' pytest plugin,
whose lazy-fixture loader does not work with pytest 9.)
"""
from __future__ import annotations

from collections import Counter

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation.modes import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qa.config import Settings  # noqa: E402
from service.app import create_app  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MIN_REQUESTS = 1000
EXAMPLES = {"positive": 150, "negative": 100}
SENT: Counter[str] = Counter()

# The operations, read from the app's own OpenAPI document (building the app needs no engine).
_SPEC = create_app(Settings()).openapi()
OPERATIONS = [(method.upper(), path, bool(op.get("parameters") or op.get("requestBody")))
              for path, item in _SPEC["paths"].items() for method, op in item.items()]


@pytest.fixture(scope="module")
def api_schema(base_url):
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


@pytest.mark.parametrize("mode", list(EXAMPLES))
@pytest.mark.parametrize("method, path, has_input", OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_operation_conforms(api_schema, method, path, has_input, mode):
    if mode == "negative" and not has_input:
        pytest.skip("no parameters or body to get wrong")
    operation = api_schema[path][method]
    strategy = operation.as_strategy(generation_mode=GenerationMode(mode))

    @settings(max_examples=EXAMPLES[mode] if has_input else 3, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(case=strategy)
    def run(case) -> None:
        response = case.call(timeout=60)
        SENT[f"{method} {path} {mode}"] += 1
        assert response.status_code < 500, (case.method, case.path, case.path_parameters, case.query, case.body,
                                            response.status_code, response.text[:500])
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode == "positive":
            raise
        pytest.skip("every value of its parameters is valid (a free-form path string)")


def test_enough_generated_requests():
    """Runs after the generated tests (file order): the volume the brief asks for was reached."""
    if not SENT:
        pytest.skip("the generated tests did not run in this session")
    total = sum(SENT.values())
    print(f"schemathesis sent {total} requests: {dict(SENT)}")
    assert total >= MIN_REQUESTS, dict(SENT)
