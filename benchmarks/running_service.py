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


def service_processes(pid: int) -> dict[str, int]:
    """The server's process and the encoder process it started (`models.encoder_process`), by role."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    # multiprocessing also starts a resource tracker beside the spawned encoder.
    encoders = [child for child in children if "spawn_main" in _command(child)]
    return {"server": pid, **({"encoder": encoders[0]} if encoders else {})}


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except FileNotFoundError:
        return ""


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, from /proc: start-up cost on a shared machine, where wall time
    depends on the other processes."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


READY_WITHIN_S = 300
"""A service not ready by then is stuck (for example, up but unable to load its champion): give up."""


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
        log_path = Path(tmp) / "service.log"
        started = time.perf_counter()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        base = f"http://127.0.0.1:{port}"
        try:
            while not _ready(base):
                if process.poll() is not None:
                    raise RuntimeError(
                        "the service exited during start-up (is a champion registered? `make serve`):\n"
                        + _tail(log_path)
                    )
                if time.perf_counter() - started > READY_WITHIN_S:
                    raise RuntimeError(f"the service was not ready within {READY_WITHIN_S} s:\n" + _tail(log_path))
                time.sleep(0.1)
            yield Service(base, process.pid, {"Authorization": f"Bearer {key}"}, time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _tail(log_path: Path, lines: int = 20) -> str:
    """The end of the service's start-up log, without the polls of /readyz (no report text is ever logged)."""
    logged = [line for line in log_path.read_text(errors="replace").splitlines() if "/readyz" not in line]
    return "\n".join(logged[-lines:])
