"""pandas is optional: without it, every frame says in Dutch which extra to install."""

import ast
import sys
from pathlib import Path

import pytest

import piramide
from conftest import all_answers, filled
from piramide.optional import MissingDependency

FIX = "pip install 'piramide[pandas]'"


@pytest.fixture
def result(tmp_path, small, small_path):
    return piramide.score(filled(small, tmp_path / "f.xlsx", all_answers(small)), small_path)


@pytest.fixture
def no_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)     # `import pandas` now raises ImportError


@pytest.mark.parametrize("frame", [
    lambda r: r.to_frame(),
    lambda r: piramide.trend([r])[0].to_frame(),
    lambda r: piramide.region([r]).to_frame(),
], ids=["result", "trend", "region"])
def test_every_frame_without_pandas_names_the_extra(result, no_pandas, frame):
    with pytest.raises(MissingDependency) as exc:
        frame(result)
    assert isinstance(exc.value, ImportError)               # old `except ImportError` still catches it
    assert "pandas is niet geïnstalleerd" in str(exc.value) and str(exc.value).endswith(FIX)


def test_the_same_frames_with_pandas(result):
    pytest.importorskip("pandas")
    assert len(result.to_frame()) == len(piramide.region([result]).to_frame()) > 0


def test_pandas_is_imported_only_through_the_helper():
    package = Path(piramide.__file__).parent
    for path in sorted(package.glob("*.py")):
        if path.name == "optional.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for block in ast.walk(tree)
                       if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
                       for n in ast.walk(block)}       # annotations only: never run
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "pandas" or n.startswith("pandas.") for n in names), \
                f"{path.name}:{node.lineno} imports pandas itself; use optional.pandas()"
