"""Shared fixtures of the alvh Python test suite (run by CTest as Python.pytest, docs/python.md).

Environment (set by python/CMakeLists.txt): PYTHONPATH=<build>/python, ALVH_CLI=<built alvh>,
ALVH_SHARED_DIR=<../shared>. Tests that need the CLI or the shared data skip with a message
when they are absent.
"""
import json
import os
import pathlib
import subprocess

import pytest


def _shared_dir():
    env = os.environ.get("ALVH_SHARED_DIR")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def shared_dir():
    return _shared_dir()


@pytest.fixture
def shared_file(shared_dir):
    def get(relative):
        p = shared_dir / relative
        if not p.exists():
            pytest.skip(f"shared data '{relative}' not found (set ALVH_SHARED_DIR)")
        return p

    return get


@pytest.fixture(scope="session")
def cli():
    """Runs the built CLI with --json and returns the parsed document (or the CompletedProcess
    when the command fails and check=False)."""
    path = os.environ.get("ALVH_CLI")
    if not path or not os.path.exists(path):
        pytest.skip("ALVH_CLI not set or not built (run through ctest, or export ALVH_CLI=build/.../alvh)")

    def run(*args, check=True):
        proc = subprocess.run([path, "--json", "--quiet", *map(str, args)], capture_output=True, text=True)
        if not check:
            return proc
        assert proc.returncode == 0, f"alvh {' '.join(map(str, args))} failed: {proc.stderr}"
        return json.loads(proc.stdout)

    return run
