"""Checks added to schemathesis' own for the API run (loaded through SCHEMATHESIS_HOOKS).

- positive_data_acceptance_as_documented: schemathesis' positive_data_acceptance, except for the
  422 error codes the operation lists under `x-intended-rejections` in the OpenAPI document (rules
  a JSON Schema cannot state, e.g. a 文号 that is not in this gazette). Those exemptions live in
  the API's own description, nowhere else.
- no_server_paths: no response body names a folder of the server (the repository, the Python
  installation, the data folder; passed in QA_TEST_SERVER_PATHS, one per line).
"""
from __future__ import annotations

import json
import os

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import positive_data_acceptance

INTENDED_REJECTIONS = "x-intended-rejections"
SERVER_PATHS = [p for p in os.environ.get("QA_TEST_SERVER_PATHS", "").splitlines() if p]


def _error_code(response) -> str | None:
    try:
        return json.loads(response.content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


@schemathesis.check
def positive_data_acceptance_as_documented(ctx, response, case):
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        intended = (case.operation.definition.raw or {}).get(INTENDED_REJECTIONS) or {}
        if response.status_code == 422 and _error_code(response) in intended:
            return None
        raise


@schemathesis.check
def no_server_paths(ctx, response, case):
    text = response.content.decode("utf-8", "replace")
    leaked = [p for p in SERVER_PATHS if p in text]
    if leaked:
        raise AssertionError(f"the response names a server folder: {leaked}")
    return None
