"""Public look-up page throughput under gunicorn, against a bare Flask "hello" under the same
server settings, measured in one run; plus the look-up cost with 10^3 vs many dossiers stored.

`python -m bench lookup_throughput [requests=2000] [concurrency=8] [workers=2]
                                   [scale=0] [tool="python"] [throughput=true]
                                   [database="sqlite"]`

- Load: a bounded Python load generator (threads, one fresh connection per request as the sync
  workers close it anyway) sends exactly ``requests`` GETs to 127.0.0.1, first to the hello
  app, then to ``/r/<key>`` of one seeded dossier again and again (repeat views: answered from
  the page cache once warm), then as JSON, then to ``requests`` other dossiers once each
  (first views: every page built), then hello again (drift check). Each result also gives the
  CPU per request of the load generator and of the server processes, and
  ``ratio_cpu_per_request_hello_vs_page`` compares their sums: what bounds throughput when both
  share the cores, and steadier than req/s on a busy machine.
  ``tool="wrk"`` uses wrk (apt-get install wrk) for a fixed 10 s per target instead.
  ``database="postgresql"`` serves the page from a new database on the local PostgreSQL
  (the production path) instead of a SQLite file; hello needs no database either way.
- Scale: with ``scale=N`` (e.g. 1000000) the in-process look-up (same code as the view:
  load_page + page_data, one app context) is timed with 10^3 dossiers and again after
  bulk-inserting N more; target ratio <= 1.3. Inserting 10^6 rows takes a few minutes.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HELLO = '''
from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
'''
SERVER_FLAGS = ["-k", "sync", "--log-level", "warning", "--timeout", "60",
                "--graceful-timeout", "5"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not come up")


class Server:
    """gunicorn with the same flags for both targets."""

    def __init__(self, target: str, workers: int, env: dict[str, str], chdir: Path) -> None:
        self.port = _free_port()
        self.args = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b",
                     f"127.0.0.1:{self.port}", "--chdir", str(chdir), *SERVER_FLAGS, target]
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str) -> Server:
        self.process = subprocess.Popen(self.args, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        _wait_ready(self.port, ready_path, self.process)
        return self

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (Linux /proc)."""
        if self.process is None:
            return 0.0
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            pass
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _load_python(port: int, path: str | list[str], requests: int, concurrency: int,
                 headers: dict[str, str]) -> dict[str, Any]:
    """Exactly ``requests`` GETs from ``concurrency`` threads; latencies per request. With a
    list of paths, request n asks for path n (e.g. each dossier once)."""
    lock = threading.Lock()
    paths = [path] * requests if isinstance(path, str) else path
    remaining = [min(requests, len(paths))]
    latencies: list[float] = []
    errors = [0]

    def worker() -> None:
        mine: list[float] = []
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
                target = paths[remaining[0]]
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu_started = time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors[0],
            "client_cpu_ms_per_request": round(1000 * client_cpu / max(1, len(latencies)), 3),
            "req_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
            "p99_ms": round(1000 * latencies[min(len(latencies) - 1,
                                                 int(len(latencies) * 0.99))], 2)}


def _load_wrk(port: int, path: str, concurrency: int, headers: dict[str, str],
              seconds: int = 10) -> dict[str, Any]:
    flags = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--latency", *flags,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         check=True).stdout
    result: dict[str, Any] = {"tool": "wrk", "seconds": seconds}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            result["req_per_s"] = float(parts[1])
        elif parts[:1] == ["99%"]:
            result["p99_ms"] = _ms(parts[1])
        elif parts[:1] == ["50%"]:
            result["p50_ms"] = _ms(parts[1])
        elif "Non-2xx" in line:
            result["errors"] = int(parts[-1])
    return result


def _ms(text: str) -> float:
    for unit, factor in (("ms", 1.0), ("us", 0.001), ("s", 1000.0)):
        if text.endswith(unit):
            return round(float(text[: -len(unit)]) * factor, 2)
    return float(text)


def _seed(instance: Path, database_url: str, count: int = 1) -> list[str]:
    """Migrated database, seed catalogue, ``count`` dossiers received the desk's way and moved
    to "processing"; their paths."""
    from app import cipher, create_app, keyring
    from app.admin.agency import get_agency, public_base_url
    from app.desk import operations as ops
    from app.extensions import db
    from app.migrate import upgrade

    upgrade(database_url)
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url})
    with app.app_context():
        ops.seed_catalogue(db.session)
        ctx = ops.DeskContext(get_agency(db.session).code,
                              public_base_url(db.session, app.config["PUBLIC_BASE_URL"]),
                              ops.load_calendar(db.session))
        paths = []
        for _ in range(count):
            data = ops.IntakeData("1.001193", "Nguyễn Văn An", applicant_phone="0912345678")
            found = ops.receive_dossier(db.session, ctx, data, key=keyring(app).active(),
                                        cipher=cipher(app), actor="bench", now=datetime.now(UTC))
            ops.change_status(db.session, found.dossier, ops.Status.PROCESSING,
                              calendar=ctx.calendar, actor="bench", now=datetime.now(UTC))
            db.session.commit()
            paths.append(f"/r/{found.dossier.lookup_key}")
    db.dispose(app)
    return paths


def _throughput(tmp: Path, requests: int, concurrency: int, workers: int,
                tool: str, database_url: str) -> dict[str, Any]:
    instance = tmp / "instance"
    # The first path is asked again and again (repeat views: the page cache answers); the others
    # once each (first views: every answer is built).
    path, *first_views = _seed(instance, database_url, 1 + (requests if tool != "wrk" else 0))
    (tmp / "hello_app.py").write_text(HELLO)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update({"MOTCUA_INSTANCE_PATH": str(instance), "MOTCUA_DATABASE_URL": database_url,
                "MOTCUA_LOG_LEVEL": "WARNING",
                # A load generator is one client: lift the miss limit (only hits are sent).
                "MOTCUA_LOOKUP_MISS_LIMIT": "1000000 per minute",
                "PYTHONPATH": str(ROOT)})
    hello = Server("hello_app:app", workers, env, tmp).start("/hello")
    ours = Server("app:create_app()", workers, env, ROOT).start(path)
    html, json = {"Accept": "text/html"}, {"Accept": "application/json"}

    def load(server: Server, target: str, headers: dict[str, str]) -> dict[str, Any]:
        cpu_before = server.cpu_seconds()
        if tool == "wrk":
            result = _load_wrk(server.port, target, concurrency, headers)
            count = result["req_per_s"] * result["seconds"]
        else:
            result = _load_python(server.port, target, requests, concurrency, headers)
            count = result["requests"]
        result["server_cpu_ms_per_request"] = round(
            1000 * (server.cpu_seconds() - cpu_before) / max(1, count), 3)
        return result

    try:
        load(hello, "/hello", html)  # warm both
        load(ours, path, html)
        hello_1 = load(hello, "/hello", html)
        page = load(ours, path, html)
        page_json = load(ours, path, json)
        page_first = load(ours, first_views, html) if first_views else None
        hello_2 = load(hello, "/hello", html)
    finally:
        hello.stop()
        ours.stop()
    hello_rps = statistics.mean([hello_1["req_per_s"], hello_2["req_per_s"]])
    in_process = _cpu_per_request(instance, database_url, path)
    return {
        "server": f"gunicorn {workers} sync workers, 127.0.0.1",
        "load": ({"tool": "python threads", "requests": requests, "concurrency": concurrency}
                 if tool != "wrk" else {"tool": "wrk", "concurrency": concurrency}),
        "hello": hello_1, "hello_again": hello_2, "lookup_page": page,
        "lookup_json": page_json,
        "lookup_page_first_views": page_first,
        "ratio_throughput_vs_hello": round(page["req_per_s"] / hello_rps, 3),
        "ratio_first_views_vs_hello": (round(page_first["req_per_s"] / hello_rps, 3)
                                       if page_first else None),
        "ratio_json_vs_hello": round(page_json["req_per_s"] / hello_rps, 3),
        "target_ratio_min": 0.5,
        # CPU per request (load generator + server) is what bounds throughput when both share
        # the machine's cores; unlike req/s it hardly moves when other work runs alongside.
        "ratio_cpu_per_request_hello_vs_page": _cpu_ratio([hello_1, hello_2], page),
        "in_process_cpu": in_process,
    }


def _cpu_ratio(hellos: list[dict[str, Any]], page: dict[str, Any]) -> float | None:
    def total(result: dict[str, Any]) -> float:
        return float(result.get("client_cpu_ms_per_request", 0.0)
                     + result["server_cpu_ms_per_request"])

    if "client_cpu_ms_per_request" not in page:  # wrk: its own CPU is not measured
        return None
    return round(statistics.mean(total(h) for h in hellos) / total(page), 3)


def _cpu_per_request(instance: Path, database_url: str, path: str,
                     rounds: int = 300) -> dict[str, Any]:
    """CPU seconds per request in-process (test client, no HTTP): less sensitive than
    throughput to other work on a shared machine. Interleaved page / hello."""
    from flask import Flask

    from app import create_app
    from app.extensions import db

    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url,
                      "LOOKUP_MISS_LIMIT": "1000000 per minute"})
    hello = Flask("hello")
    hello.add_url_rule("/hello", "hello", lambda: "hello")
    ours, bare = app.test_client(), hello.test_client()
    cost = {"page": 0.0, "json": 0.0, "hello": 0.0}
    calls = {"page": lambda: ours.get(path),
             "json": lambda: ours.get(path, headers={"Accept": "application/json"}),
             "hello": lambda: bare.get("/hello")}
    for i in range(rounds + 30):
        for name, call in calls.items():
            started = time.process_time()
            call()
            if i >= 30:
                cost[name] += time.process_time() - started
    db.dispose(app)
    per = {name: 1000 * total / rounds for name, total in cost.items()}
    return {"page_cpu_ms": round(per["page"], 3), "json_cpu_ms": round(per["json"], 3),
            "hello_cpu_ms": round(per["hello"], 3),
            "ratio_hello_cpu_vs_page_cpu": round(per["hello"] / per["page"], 3)}


class _Looker:
    """One app on one database, timing single look-ups as the view does them."""

    def __init__(self, instance: Path, database_url: str, path: str) -> None:
        from app import cipher, create_app

        self.app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url})
        self.cipher = cipher(self.app)
        self.key = path.rsplit("/", 1)[1]
        self.samples: list[float] = []

    def once(self, hit: bool) -> None:
        from app.extensions import db
        from app.lookup.operations import load_page
        from app.lookup.present import page_data

        key = self.key if hit else self.key[::-1]
        with self.app.test_request_context("/"):
            started = time.perf_counter()
            page = db.read(lambda connection: load_page(  # the view's kept connection
                connection, key, datetime.now(UTC), "https://motcua.example.vn", self.cipher))
            page_data(page)
            self.samples.append(time.perf_counter() - started)

    def close(self) -> None:
        from app.extensions import db

        db.dispose(self.app)


def _scale(tmp: Path, scale: int, rounds: int = 400) -> dict[str, Any]:
    """Two databases (10^3 and 10^3 + ``scale`` dossiers), timed interleaved against drift."""
    from sqlalchemy import func, select

    from app.db import make_engine
    from app.models.dossier import Dossier
    from bench.desk_intake import _prefill  # the desk bench's set-based bulk insert

    lookers, stored, insert_s = [], [], 0.0
    for name, extra in (("small", 0), ("large", scale)):
        instance = tmp / f"scale-{name}"
        database_url = f"sqlite:///{tmp / f'scale-{name}.db'}"
        [path] = _seed(instance, database_url)
        engine = make_engine(database_url)
        _prefill(engine, 1000 - 1, 0)
        started = time.perf_counter()
        _prefill(engine, extra, 10_000_000)
        insert_s += time.perf_counter() - started
        with engine.connect() as conn:
            stored.append(int(conn.execute(select(func.count()).select_from(Dossier))
                              .scalar_one()))
        engine.dispose()
        lookers.append(_Looker(instance, database_url, path))
    for i in range(rounds + 40):
        for looker in lookers:
            looker.once(hit=i % 2 == 0)
    for looker in lookers:
        looker.close()
    small, large = (statistics.median(looker.samples[40:]) for looker in lookers)
    return {"database": "sqlite", "dossiers_small": stored[0], "dossiers_large": stored[1],
            "bulk_insert_seconds": round(insert_s, 1),
            "lookup_ms_small": round(1000 * small, 3), "lookup_ms_large": round(1000 * large, 3),
            "ratio_scale": round(large / small, 3), "target_ratio_scale_max": 1.3,
            "note": "in-process load_page + page_data; half hits, half unknown keys; "
                    "the two databases are timed interleaved"}


def _database(tmp: Path, database: str) -> tuple[str, Callable[[], None]]:
    """The throughput run's database: a SQLite file, or a new PostgreSQL database on the
    local server (dropped afterwards), as the intake benchmark makes one."""
    if database == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    if database == "postgresql":
        from bench.desk_intake import _pg_database

        return _pg_database()
    raise SystemExit(f"database is sqlite or postgresql, got {database!r}")


def run(requests: int = 2000, concurrency: int = 8, workers: int = 2, scale: int = 0,
        tool: str = "python", throughput: bool = True,
        database: str = "sqlite") -> dict[str, Any]:
    if tool == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("wrk not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="motcua-lookup-bench-") as folder:
        tmp = Path(folder)
        if throughput:
            database_url, drop = _database(tmp, database)
            try:
                result = _throughput(tmp, requests, concurrency, workers, tool, database_url)
            finally:
                drop()
            result["database"] = database
        else:
            result = {"throughput": "skipped (throughput=false)"}
        result["scale"] = _scale(tmp, scale) if scale else {
            "skipped": "pass scale=1000000 to time the look-up with 10^6 dossiers"}
    return result
