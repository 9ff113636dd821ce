"""Per-point latency of the kelurahan lookup (and of the full location verdict).

Prints figures, asserts nothing. Single-threaded, one call per point timed with
``time.perf_counter_ns`` after a warm-up; the target is < 1 ms per point.

    .venv/bin/python benchmarks/location_lookup.py [--random 100000] [--check-random 10000] [--seed 7]

Needs the real boundary files and PetaBencana export under TRIASE_DATA_DIR.
"""

import argparse
import time

import numpy as np

from models.location.checker import LocationChecker
from models.report import Report
from models.settings import get_settings
from training.datasets import load_dataset
from training.geo import load_gazetteer


def _stats(label: str, samples_ns: list[int] | np.ndarray) -> None:
    us = np.asarray(samples_ns, dtype=float) / 1_000.0
    print(
        f"{label:<52} n={len(us):>7,}  mean {us.mean():8.1f} us  p50 {np.percentile(us, 50):8.1f} us  "
        f"p99 {np.percentile(us, 99):8.1f} us  max {us.max() / 1000:6.2f} ms"
    )


def _time_each(fn, args) -> list[int]:
    samples = []
    clock = time.perf_counter_ns
    for a in args:
        start = clock()
        fn(*a)
        samples.append(clock() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--random", type=int, default=100_000, help="random points in the Jakarta bbox")
    parser.add_argument("--check-random", type=int, default=10_000, help="random points for the full verdict")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = get_settings()

    start = time.perf_counter()
    gazetteer = load_gazetteer(settings)
    seconds = time.perf_counter() - start
    print(f"gazetteer: {gazetteer!r}, metric CRS {gazetteer.metric_crs}; load incl. sha256 check {seconds:.2f} s")
    start = time.perf_counter()
    gazetteer.neighbour_indexes(0)
    print(f"neighbour table (first use): {time.perf_counter() - start:.3f} s")

    df = load_dataset("petabencana_jakarta_flood_reports_2017", settings)
    df = df[df["lat"].notna()]
    pb = list(zip(df["lat"].to_numpy(float), df["lon"].to_numpy(float), strict=True))

    rng = np.random.default_rng(args.seed)
    west, south, east, north = gazetteer.bounds
    rand = list(zip(rng.uniform(south, north, args.random), rng.uniform(west, east, args.random), strict=True))

    for lat, lon in pb[:200]:  # warm-up
        gazetteer.locate(lat, lon)

    located_pb = [gazetteer.locate_index(lat, lon) for lat, lon in pb]
    located_rand = [gazetteer.locate_index(lat, lon) for lat, lon in rand]
    print(
        f"points inside a kelurahan: PetaBencana {sum(i >= 0 for i in located_pb):,}/{len(pb):,}, "
        f"random {sum(i >= 0 for i in located_rand):,}/{len(rand):,}"
    )
    print("\nkelurahan lookup, one call per point (Gazetteer.locate):")
    _stats("PetaBencana points", _time_each(gazetteer.locate, pb))
    _stats(f"random points in the bbox ({args.random:,})", _time_each(gazetteer.locate, rand))

    lats, lons = np.array([p[0] for p in rand]), np.array([p[1] for p in rand])
    start = time.perf_counter_ns()
    gazetteer.locate_many(lats, lons)
    elapsed = time.perf_counter_ns() - start
    label = "vectorised Gazetteer.locate_many, random points"
    print(f"{label:<52} {elapsed / len(rand) / 1000:8.2f} us per point (batch)")

    checker = LocationChecker(gazetteer)
    names = [p.kelurahan for p in gazetteer.places]
    pb_reports = [
        Report(id=row.id, text=row.text, lat=row.lat, lon=row.lon, kelurahan=names[i] if i >= 0 else None)
        for row, i in zip(df.itertuples(), located_pb, strict=True)
    ]
    print("\nfull verdict, one call per report (LocationChecker.check, incl. projection, distances, text scan):")
    _stats("PetaBencana reports, true claim + real text", _time_each(checker.check, [(r,) for r in pb_reports]))
    claims = rng.choice(names, size=min(args.check_random, len(rand)))
    rand_reports = [
        Report(id=f"r{k}", text="banjir", lat=lat, lon=lon, kelurahan=str(claims[k]))
        for k, (lat, lon) in enumerate(rand[: len(claims)])
    ]
    samples = _time_each(checker.check, [(r,) for r in rand_reports])
    _stats(f"random points, random claim ({len(rand_reports):,})", samples)


if __name__ == "__main__":
    main()
