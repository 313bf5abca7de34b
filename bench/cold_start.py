"""Cold start: a fresh process imports the app, calls create_app() and answers /healthz.

Baseline: a bare Flask app doing the same in a fresh process. Target: ratio ≤ 3.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

OURS = """
import sys
sys.path.insert(0, {root!r})
from app import create_app
app = create_app({{"INSTANCE_PATH": {instance!r}}})
response = app.test_client().get("/healthz")
assert response.status_code == 200, response.status_code
"""

BARE = """
from flask import Flask, jsonify
app = Flask(__name__)

@app.get("/healthz")
def healthz():
    return jsonify(status="ok")

response = app.test_client().get("/healthz")
assert response.status_code == 200
"""


# A deployed service has its bytecode cached (pip compiles Flask's on install; the app's own is
# written on its first start): let the warm-up run write ours, as it is already there for Flask.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=_ENV)
    return time.perf_counter() - started


def run(rounds: int = 7) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        instance = str(Path(tmp) / "instance")
        from app.migrate import upgrade

        upgrade(f"sqlite:///{instance}/motcua.db")
        ours_code = OURS.format(root=str(ROOT), instance=instance)
        _time(ours_code)  # creates the instance secrets and writes our bytecode: not measured
        ours, bare = [], []
        for _ in range(rounds):  # interleaved so that machine noise hits both alike
            bare.append(_time(BARE))
            ours.append(_time(ours_code))
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    return {"ours_median_s": round(ours_s, 3), "bare_flask_median_s": round(bare_s, 3),
            "ratio": round(ours_s / bare_s, 2), "target": "<= 3.0", "rounds": rounds}
