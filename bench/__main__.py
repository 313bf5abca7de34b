"""``python -m bench NAME [key=value ...]`` runs one benchmark and prints its JSON result.

``python -m bench list`` names them; ``python -m bench all`` runs every one in turn.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_"))


def _parse(options: list[str]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep:
            raise SystemExit(f"options are key=value, got {option!r}")
        try:
            parsed[key] = json.loads(value)
        except json.JSONDecodeError:
            parsed[key] = value
    return parsed


def run_one(name: str, options: dict[str, Any]) -> dict[str, Any]:
    if name not in available():
        raise SystemExit(f"unknown benchmark {name!r}; try: {', '.join(available())}")
    module = importlib.import_module(f"bench.{name}")
    started = time.perf_counter()
    result = dict(module.run(**options))
    result.setdefault("benchmark", name)
    result["wall_seconds"] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    if argv[0] == "list":
        print("\n".join(available()))
        return 0
    names = available() if argv[0] == "all" else [argv[0]]
    for name in names:
        print(json.dumps(run_one(name, _parse(argv[1:])), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
