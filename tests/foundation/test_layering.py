"""identity/ and esign/ are libraries: they must not import Flask or the app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_", "app", "werkzeug", "sqlalchemy")
PURE_APP_MODULES = ["app/crypto.py", "app/keys.py", "app/desk/calendar.py", "app/desk/codes.py",
                    "app/desk/tokens.py"]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _offending(names: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return [n for n in names if any(n == f or n.startswith(f + ".") or
                                    (f.endswith("_") and n.startswith(f)) for f in forbidden)]


@pytest.mark.parametrize("package", ["identity", "esign"])
def test_libraries_do_not_import_the_web_layer(package: str) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ is empty"
    bad = {str(f.relative_to(ROOT)): _offending(_imports(f), FORBIDDEN) for f in files}
    assert {k: v for k, v in bad.items() if v} == {}


def test_pure_parts_of_app_do_not_import_flask() -> None:
    for rel in PURE_APP_MODULES:
        path = ROOT / rel
        if path.exists():
            assert _offending(_imports(path), ("flask", "flask_", "werkzeug")) == [], rel


def test_the_checker_catches_a_flask_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from flask import current_app\nimport app.models\n")
    assert _offending(_imports(sample), FORBIDDEN) == ["flask", "app.models"]
