"""Load test from a separate process: the sustained request rate at p99 under 200 ms, errors, memory over time.

Run: .venv/bin/python benchmarks/load_test.py [--duration 600] [--step-seconds 20]
Starts `triase serve` (the champion of TRIASE_HOME, a fresh SQLite database) as its own process, then drives
POST /v1/triage with one new report per request from this process: first a ramp over concurrency levels to
find the highest rate whose p99 stays under the target, then a sustained run at that level for --duration,
sampling the server's resident memory every 10 s.
"""

import argparse
import asyncio
import itertools
import statistics
import time

import httpx
import numpy as np
from running_service import rss_mb, running_service, service_processes

TEXTS = (
    "Lampu PJU di Jl. Kenari nomor {n} mati sejak kemarin malam, gelap sekali",
    "Saluran air di gang {n} tersumbat sampah, air meluap ke jalan saat hujan",
    "Jalan berlubang di depan rumah nomor {n}, sudah ada pengendara motor jatuh",
    "Pohon tumbang menutup jalan di RT {n}, mohon segera dievakuasi",
    "Pelayanan di kelurahan lambat, antrean KTP sampai sore nomor {n}",
)
ids = itertools.count()


async def drive(client: httpx.AsyncClient, headers: dict, concurrency: int, seconds: float, on_sample=None):
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            n = next(ids)
            report = {"id": f"load-{time.time_ns()}-{n}", "text": TEXTS[n % len(TEXTS)].format(n=n)}
            started = time.perf_counter()
            try:
                response = await client.post("/v1/triage", json=report, headers=headers)
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - started)

    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    if on_sample is not None:
        tasks.append(asyncio.create_task(on_sample(deadline)))
    await asyncio.gather(*tasks)
    ms = np.array(latencies) * 1000
    return {
        "rps": len(ms) / seconds,
        "p50": float(np.percentile(ms, 50)),
        "p99": float(np.percentile(ms, 99)),
        "errors": errors,
        "n": len(ms),
    }


async def main_async(args) -> None:
    with running_service(port=args.port) as service:
        processes = service_processes(service.pid)
        ready = ", ".join(f"{role} {rss_mb(pid):.0f} MB" for role, pid in processes.items())
        print(f"service ready in {service.started_in_s:.1f} s, RSS {ready}")
        async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as client:
            await drive(client, service.headers, 2, 3)  # warm-up
            best = None
            for concurrency in args.levels:
                result = await drive(client, service.headers, concurrency, args.step_seconds)
                ok = result["p99"] < args.target_p99_ms and result["errors"] == 0
                print(
                    f"  concurrency {concurrency:>2}: {result['rps']:6.1f} req/s  p50 {result['p50']:6.1f} ms  "
                    f"p99 {result['p99']:6.1f} ms  errors {result['errors']}  {'ok' if ok else 'over target'}"
                )
                if ok and (best is None or result["rps"] > best[1]["rps"]):
                    best = (concurrency, result)
            if best is None:
                print(f"no level kept p99 under {args.target_p99_ms} ms")
                return
            concurrency = best[0]
            samples: dict[str, list[float]] = {role: [] for role in processes}

            async def sample(deadline: float) -> None:
                while time.perf_counter() < deadline:
                    for role, pid in processes.items():
                        samples[role].append(rss_mb(pid))
                    await asyncio.sleep(10)

            print(f"sustained run: concurrency {concurrency} for {args.duration:.0f} s")
            result = await drive(client, service.headers, concurrency, args.duration, on_sample=sample)
            print(
                f"  {result['rps']:.1f} req/s sustained, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
                f"{result['errors']} errors in {result['n']} requests"
            )
            for role, rss in samples.items():
                half = len(rss) // 2
                print(
                    f"  {role} RSS: start {rss[0]:.0f} MB, end {rss[-1]:.0f} MB, max {max(rss):.0f} MB; mean of "
                    f"2nd half / 1st half {statistics.mean(rss[half:]) / statistics.mean(rss[:half] or rss):.3f}"
                )
                print(f"    by minute, MB: {' '.join(f'{value:.0f}' for value in rss[::6])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=600, help="seconds of the sustained run")
    parser.add_argument("--step-seconds", type=float, default=20, help="seconds per ramp level")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--target-p99-ms", type=float, default=200)
    parser.add_argument("--port", type=int, default=8765)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
