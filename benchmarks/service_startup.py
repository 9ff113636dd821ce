"""Service start-up time to ready and resident memory per worker process.

Run: .venv/bin/python benchmarks/service_startup.py [--runs 3]
Starts `triase serve` (the champion of TRIASE_HOME over a fresh SQLite database) --runs times and reports the
seconds from process start to the first 200 on /readyz (and the CPU seconds the server and its encoder process used
until then: on a shared machine wall time depends on the other processes), and the resident memory of each process
(the server, its encoder) when ready and after triaging 200 reports.
"""

import argparse
import statistics

import httpx
from running_service import cpu_seconds, rss_mb, running_service, service_processes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    seconds, cpu = [], []
    ready_mb: dict[str, list[float]] = {}
    busy_mb: dict[str, list[float]] = {}
    for run in range(args.runs):
        with running_service(port=args.port) as service:
            seconds.append(service.started_in_s)
            processes = service_processes(service.pid)
            cpu.append(sum(cpu_seconds(pid) for pid in processes.values()))
            for role, pid in processes.items():
                ready_mb.setdefault(role, []).append(rss_mb(pid))
            reports = [{"id": f"s{run}-{n}", "text": f"Lampu jalan nomor {n} di Jl. Melati mati"} for n in range(200)]
            for start in range(0, len(reports), 50):
                response = httpx.post(
                    f"{service.base_url}/v1/triage/batch",
                    json={"reports": reports[start : start + 50]},
                    headers=service.headers,
                    timeout=120,
                )
                response.raise_for_status()
            for role, pid in processes.items():
                busy_mb.setdefault(role, []).append(rss_mb(pid))
    print(
        f"start-up to ready: median {statistics.median(seconds):.1f} s (runs: {', '.join(f'{s:.1f}' for s in seconds)})"
    )
    print(f"CPU time to ready: median {statistics.median(cpu):.1f} s (runs: {', '.join(f'{s:.1f}' for s in cpu)})")
    for role in ready_mb:
        print(
            f"resident memory of the {role} process: {statistics.median(ready_mb[role]):.0f} MB when ready, "
            f"{statistics.median(busy_mb[role]):.0f} MB after 200 reports"
        )


if __name__ == "__main__":
    main()
