"""Load test of `docreview serve` on loopback, rules mode, then a SIGKILL in the middle of a load.

Phase 1 (load): starts the real server in a subprocess (temporary DOCREVIEW_HOME), N concurrent
clients (threads, one keep-alive connection each) POST /v1/review until R reviews are done
(default 20 clients, 2,000 reviews; notes from benchmarks/batch.py's generator). Prints p50 / p95 /
max latency, reviews/s and errors, then checks that the audit database holds exactly one row per
review that got a 200.

Phase 2 (crash): the same load against a fresh server, which is killed with SIGKILL once a third
of the reviews are answered; the server is started again on the same DOCREVIEW_HOME: the audit
database must open, pass PRAGMA integrity_check, and hold every review that got a 200.

Targets: p95 <= 100 ms and >= 150 reviews/s on 2 cores (the machine may be shared: the figures
are what this run measured). Usage:
  .venv/bin/python benchmarks/serve.py [--clients 20] [--reviews 2000] [--workers 1] [--cpus 0,1] [--json OUT]
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCREVIEW = str(Path(sys.executable).with_name("docreview"))


def _generator():
    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "benchmarks" / "batch.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.generate


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(home: Path, port: int, workers: int, cpus: str | None) -> subprocess.Popen:
    cmd = [DOCREVIEW, "serve", "--port", str(port), "--workers", str(workers), "--user", "bench"]
    if cpus:
        cmd = ["taskset", "-c", cpus, *cmd]
    env = {**os.environ, "DOCREVIEW_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=(home.parent / f"serve-{port}.log").open("w"),
                            start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


class Load:
    def __init__(self, port: int, cases: list[dict], clients: int) -> None:
        self.port, self.cases, self.clients = port, cases, clients
        self.next = 0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.ok_ids: list[str] = []
        self.errors: dict[str, int] = {}
        self.stop = threading.Event()

    def _take(self) -> dict | None:
        with self.lock:
            if self.next >= len(self.cases) or self.stop.is_set():
                return None
            case = self.cases[self.next]
            self.next += 1
            return case

    def _client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (case := self._take()) is not None:
            body = json.dumps({"note": case["note"], "claim": case["claim"]})
            started = time.perf_counter()
            try:
                conn.request("POST", "/v1/review", body=body, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with self.lock:
                    self.errors[type(exc).__name__] = self.errors.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if self.stop.is_set():
                    return
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                if response.status == 200:
                    self.latencies.append(elapsed)
                    self.ok_ids.append(json.loads(payload)["review_id"])
                else:
                    key = f"HTTP {response.status}"
                    self.errors[key] = self.errors.get(key, 0) + 1
        conn.close()

    def run(self, kill_after: int | None = None, proc: subprocess.Popen | None = None) -> float:
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        if kill_after is not None and proc is not None:
            while len(self.ok_ids) < kill_after and any(t.is_alive() for t in threads):
                time.sleep(0.005)
            os.killpg(proc.pid, signal.SIGKILL)
            self.stop.set()
        for t in threads:
            t.join()
        return time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def audit_ids(home: Path) -> tuple[str, set[str]]:
    db = sqlite3.connect(home / "audit.sqlite")
    try:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        ids = {row[0] for row in db.execute("SELECT id FROM reviews")}
    finally:
        db.close()
    return check, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--cpus", default=None, help="pin the server to these CPUs (taskset -c), e.g. 0,1")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    cases = _generator()(args.reviews)
    out: dict = {"clients": args.clients, "reviews": args.reviews, "workers": args.workers, "cpus": args.cpus or "all",
                 "machine_cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="docreview-bench-serve-") as tmp:
        # ---- phase 1: load
        home = Path(tmp) / "home"
        port = free_port()
        proc = start(home, port, args.workers, args.cpus)
        try:
            Load(port, cases[: min(100, len(cases))], 4).run()  # warm-up (not measured, audited)
            _, warm_ids = audit_ids(home)
            load = Load(port, cases, args.clients)
            wall = load.run()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        check, ids = audit_ids(home)
        new_rows = ids - warm_ids
        out["load"] = {
            "ok": len(load.latencies), "errors": load.errors, "wall_s": round(wall, 2),
            "reviews_per_s": round(len(load.latencies) / wall, 1),
            "latency_ms": {"p50": round(pct(load.latencies, 0.5), 1), "p95": round(pct(load.latencies, 0.95), 1),
                           "p99": round(pct(load.latencies, 0.99), 1), "max": round(max(load.latencies), 1),
                           "mean": round(statistics.fmean(load.latencies), 1)},
            "audit_rows": len(new_rows), "ok_ids_missing_from_audit": len(set(load.ok_ids) - ids),
            "duplicate_ids": len(load.ok_ids) - len(set(load.ok_ids)), "audit_rows_match": new_rows == set(load.ok_ids) and len(load.ok_ids) == len(set(load.ok_ids)),
            "integrity_check": check,
        }
        # ---- phase 2: SIGKILL mid-load, restart, check the audit database
        home2 = Path(tmp) / "home2"
        port2 = free_port()
        proc = start(home2, port2, args.workers, args.cpus)
        crash = Load(port2, cases, args.clients)
        crash.run(kill_after=len(cases) // 3, proc=proc)
        proc.wait(timeout=30)
        restarted = start(home2, port2, args.workers, args.cpus)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port2, timeout=10)
            conn.request("GET", "/v1/reviews?per_page=1")
            total_after = json.loads(conn.getresponse().read())["total"]
        finally:
            os.killpg(restarted.pid, signal.SIGTERM)
            restarted.wait(timeout=30)
        check2, ids2 = audit_ids(home2)
        answered = set(crash.ok_ids)
        out["sigkill"] = {
            "answered_200_before_kill": len(answered), "client_errors_at_kill": crash.errors,
            "audit_rows_after_restart": len(ids2), "rows_via_api_after_restart": total_after,
            "every_200_is_in_the_audit": answered <= ids2, "rows_without_a_200": len(ids2 - answered),
            "integrity_check": check2,
        }
    lat = out["load"]["latency_ms"]
    print(f"load: {out['load']['ok']} reviews by {args.clients} clients in {out['load']['wall_s']} s = "
          f"{out['load']['reviews_per_s']} reviews/s; latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
          f"max {lat['max']} ms; errors {out['load']['errors'] or 0}; server workers {args.workers}, cpus {out['cpus']} "
          f"(machine: {os.cpu_count()})")
    print(f"audit after load: {out['load']['audit_rows']} rows for {out['load']['ok']} 200s "
          f"({'exactly one per review' if out['load']['audit_rows_match'] else 'MISMATCH'}); integrity_check {out['load']['integrity_check']}")
    k = out["sigkill"]
    print(f"sigkill: {k['answered_200_before_kill']} reviews answered 200 before SIGKILL; after restart the audit holds "
          f"{k['audit_rows_after_restart']} rows (every 200 present: {k['every_200_is_in_the_audit']}; "
          f"{k['rows_without_a_200']} committed but unanswered); integrity_check {k['integrity_check']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    ok = (not out["load"]["errors"] and out["load"]["audit_rows_match"] and k["every_200_is_in_the_audit"]
          and k["integrity_check"] == "ok" and out["load"]["integrity_check"] == "ok")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
