"""A real `docreview serve` in a subprocess, on a free loopback port, stopped by the test."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

DOCREVIEW = str(Path(sys.executable).with_name("docreview"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    home: Path
    stderr_path: Path
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                raw: bytes | None = None) -> tuple[int, dict[str, str], Any]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        h = {**self.headers, **(headers or {})}
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, hdrs, payload = resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            status, hdrs, payload = err.code, dict(err.headers), err.read()
        ctype = hdrs.get("content-type", hdrs.get("Content-Type", ""))
        if "json" in ctype:
            return status, {k.lower(): v for k, v in hdrs.items()}, json.loads(payload or b"null")
        return status, {k.lower(): v for k, v in hdrs.items()}, payload.decode("utf-8", "replace")

    def log_text(self) -> str:
        path = self.home / "logs" / "server.log"
        return (path.read_text() if path.exists() else "") + self.stderr_path.read_text()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_server(home: Path, *args: str, env: dict[str, str] | None = None, host: str = "127.0.0.1", port: int | None = None,
                 timeout: float = 60) -> Server:
    port = port or free_port()
    home.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "DOCREVIEW_HOME": str(home), "HF_HUB_OFFLINE": "1", **(env or {})}
    stderr_path = home.parent / f"serve-{port}.stderr"
    handle = stderr_path.open("w")
    cmd = [DOCREVIEW, "serve", "--port", str(port), *args]
    if host != "127.0.0.1":
        cmd += ["--host", host]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=handle)
    server = Server(proc, port, home, stderr_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"docreview serve exited with {proc.returncode}: {stderr_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"docreview serve did not answer within {timeout} s: {stderr_path.read_text()[-2000:]}")
