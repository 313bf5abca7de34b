"""identity/ is a library: it must not import Flask, the app, or a database layer."""

from __future__ import annotations

import ast
from pathlib import Path

import identity

FORBIDDEN = {"flask", "app", "sqlalchemy", "flask_wtf", "flask_babel", "werkzeug", "psycopg"}


def test_identity_imports_no_framework_or_app() -> None:
    root = Path(identity.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [(path.name, n) for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
