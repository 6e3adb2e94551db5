"""The real application server (gunicorn, as deployed) and a concurrent HTTP client on loopback.

The client is bounded in requests and in time, and talks only to 127.0.0.1.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT, median, peak_rss_mb_of_pid, percentile

Prepare = Callable[[int], tuple[str, str, bytes | None, dict[str, str]]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    worker_pids: list[int] = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def peak_mb(self) -> float | None:
        """The largest peak resident set among the master and its workers."""
        pids = [self.process.pid, *self._children()]
        peaks = [p for p in (peak_rss_mb_of_pid(pid) for pid in pids) if p is not None]
        return max(peaks) if peaks else None

    def _children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CAIRN_DEBUG": "0",
        "CAIRN_HTTPS": "0",
        "CAIRN_MANIFEST_STATIC": "0",
        "CAIRN_SECRET_KEY": os.environ.get("CAIRN_SECRET_KEY", "bench-only-key-" + "k" * 50),
        "CAIRN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CAIRN_LOG_LEVEL": "ERROR",
        # No mail server on the benchmark machine: alerts are built and discarded.
        "CAIRN_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int | None = None,
    extra_env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[Server]:
    """gunicorn over `database_url`, serving the code in `cwd` (another checkout, to measure the
    code before a change beside the code after it)."""
    port = free_port()
    env = server_env(database_url) | {"CAIRN_BIND": f"127.0.0.1:{port}"} | (extra_env or {})
    if workers:
        env["CAIRN_WORKERS"] = str(workers)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Server(port=port, process=process)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"gunicorn exited at start-up:\n{err[-2000:]}")
            try:
                status, _ = request_once(server.host, "GET", "/health/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /health/ within 30 s")
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def request_once(
    host: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class LoadResult:
    latencies_ms: list[float]
    errors: list[str]
    seconds: float

    @property
    def p50(self) -> float:
        return median(self.latencies_ms)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def load(
    host: str,
    prepare: Prepare,
    *,
    clients: int,
    requests: int,
    max_seconds: float = 120.0,
    expect: int = 200,
) -> LoadResult:
    """`clients` concurrent keep-alive connections send `requests` requests in all (or stop at
    `max_seconds`). `prepare(i)` gives the i-th request's method, path, body and headers."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                method, path, body, headers = prepare(index)
                start = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    conn = http.client.HTTPConnection(host, timeout=60)
                    with lock:
                        errors.append(f"{method} {path}: {error}")
                    continue
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    if response.status == expect:
                        latencies.append(elapsed)
                    else:
                        errors.append(f"{method} {path}: HTTP {response.status}")
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(latencies, errors, time.perf_counter() - start)
