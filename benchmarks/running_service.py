"""Start `triase serve` as a separate process for benchmarks, with its own database and an intake key."""

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from service.auth.models import Role
from service.auth.service import create_key
from service.database.core import Database
from service.database.migrate import upgrade


@dataclass(frozen=True)
class Service:
    base_url: str
    pid: int
    headers: dict[str, str]
    started_in_s: float


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, from /proc: start-up cost on a shared machine, where wall time
    depends on the other processes."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def running_service(port: int = 8765, extra_env: dict[str, str] | None = None) -> Iterator[Service]:
    """The champion of TRIASE_HOME served on 127.0.0.1:`port` over a fresh SQLite database (or TRIASE_DATABASE_URL)."""
    with tempfile.TemporaryDirectory(prefix="triase-bench-") as tmp:
        database_url = os.environ.get("TRIASE_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        database = Database(database_url)
        upgrade(database)
        with database.session() as session:
            key = create_key(session, f"bench-{time.time_ns()}", Role.ADMIN)
        database.dispose()
        env = os.environ | {"TRIASE_DATABASE_URL": database_url, "TRIASE_PORT": str(port), **(extra_env or {})}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError("the service exited during start-up (is a champion registered? `make serve`)")
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            yield Service(base, process.pid, {"Authorization": f"Bearer {key}"}, time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(timeout=30)
