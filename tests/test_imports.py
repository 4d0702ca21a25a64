"""The query path starts like a command-line tool: no torch (the ONNX runtime encodes), no
OpenVINO (it encodes passages only), no gradio, matplotlib or trafilatura (they load only
to serve, plot or parse HTML)."""

import subprocess
import sys

import pytest
from conftest import ROOT, qa_env

HEAVY = (
    "torch",
    "sentence_transformers",
    "transformers",
    "openvino",
    "gradio",
    "matplotlib",
    "trafilatura",
)

CLI = """
import sys
from qa.cli import main
main({args!r})
print("HEAVY", [m for m in {heavy!r} if m in sys.modules])
"""

API = """
import sys
from qa.index import Index
from qa.config import Config
with Index(Config.load(index={index!r})) as index:
    assert index.search("BP Jamsostek")
    assert index.ask("Siapa Sekda Bandarlampung?").citations
print("HEAVY", [m for m in {heavy!r} if m in sys.modules])
"""


def _heavy_modules(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=qa_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "args",
    [["ask", "Siapa Sekda Bandarlampung?"], ["search", "BP Jamsostek"], ["stats"]],
    ids=["ask", "search", "stats"],
)
def test_cli_query_commands_never_import_torch(shared, args):
    code = CLI.format(args=["--index", str(shared.dir), *args], heavy=HEAVY)
    assert _heavy_modules(code) == "HEAVY []"


def test_python_api_search_and_ask_never_import_torch(shared):
    assert _heavy_modules(API.format(index=str(shared.dir), heavy=HEAVY)) == "HEAVY []"
