"""The API does what its OpenAPI document says: schemathesis' command line (`st run`) against the
live server over the real engine, with every check it has, positive and negative data, all four
phases (examples, coverage, fuzzing, stateful), deterministic generation so CI sees the same cases
on every run.

The only exemptions are the ones the OpenAPI document itself declares: an operation's
`x-intended-rejections` (also written into its 422 description) names the error codes it gives a
schema-valid request on purpose; tests/service/schemathesis_hooks.py swaps schemathesis'
positive_data_acceptance for a version that honours exactly those, and adds a check that no
response names a folder of the server.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import REPO_ROOT

pytest.importorskip("schemathesis")

ST = Path(sys.executable).with_name("st")
EXAMPLES_PER_OPERATION = 100  # gives ≥ 2,000 cases over the 11 operations and their four phases
MIN_CASES = 2000


def test_api_conforms_to_its_openapi_document(base_url, settings, tmp_path):
    report = tmp_path / "schemathesis.json"
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.service.schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
        "QA_TEST_SERVER_PATHS": "\n".join([str(REPO_ROOT), str(settings.data_dir), sys.prefix]),
    }
    cmd = [str(ST), "run", f"{base_url}/openapi.json",
           "--checks", "all", "--exclude-checks", "positive_data_acceptance",
           "--mode", "all", "--generation-deterministic",
           "-n", str(EXAMPLES_PER_OPERATION), "--workers", "1", "--request-timeout", "60",
           "--no-color", "--report", "json", "--report-json-path", str(report)]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    assert report.exists(), proc.stdout[-4000:] + proc.stderr[-4000:]
    result = json.loads(report.read_text("utf-8"))
    cases = result["test_cases"]
    print(f"schemathesis: {cases['generated']} cases, {cases['unique_failures']} failures, "
          f"{result['running_time']:.0f} s, operations {result['operations']}")
    assert proc.returncode == 0 and not result["failures"] and not result["errors"], proc.stdout[-12000:]
    assert result["operations"]["tested"] == result["operations"]["total"] >= 11
    assert {name: p["status"] for name, p in result["phases"].items()} == dict.fromkeys(
        ("examples", "coverage", "fuzzing", "stateful"), "success")
    assert cases["generated"] >= MIN_CASES, cases
