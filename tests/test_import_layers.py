"""The one-way house (docs/architecture.md, "Layers"): features import only the features below
them, and no module imports itself back through another. The contracts live in pyproject.toml
([tool.importlinter]); `lint-imports` (import-linter) checks them here, so bin/test and CI fail on
an upward import."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from webapp import signals

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parent.parent


def test_features_import_only_downward():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", "--config", "pyproject.toml"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _imports_of_our_modules_inside_functions() -> list[str]:
    """`import`/`from` of webapp's own modules inside a function, outside create_app."""
    found = []
    for path in sorted((ROOT / "webapp").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.name == "create_app":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("webapp")):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                elif isinstance(node, ast.Import) and any(a.name.startswith("webapp") for a in node.names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return sorted(set(found))


def test_function_level_imports_of_our_own_modules_stay_few():
    """A function-level import is for a heavy library start-up should not pay for (those are not
    counted here), not for hiding a circle: a handful of our own modules at most, each with its reason."""
    found = _imports_of_our_modules_inside_functions()
    assert len(found) <= 10, "\n".join(found)


def test_every_hook_has_its_receivers_once_the_app_is_made(app):
    """A feature connects its receivers in its hooks.py, imported with its blueprint: a hooks
    module that create_app never imports would leave a lower feature without its answer."""
    hooks = sorted(f"webapp.{path.parent.name}.hooks" for path in (ROOT / "webapp").glob("*/hooks.py"))
    assert [name for name in hooks if name not in sys.modules] == []
    declared = {name: value for name, value in vars(signals).items() if hasattr(value, "receivers")}
    assert declared and sorted(name for name, signal in declared.items() if not signal.receivers) == []
