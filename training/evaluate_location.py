"""Measure the location checks on the real PetaBencana flood-report geotags.

1. Assignment: every point's kelurahan from the gazetteer (shapely STRtree) is compared with an
   independent even-odd ray-casting test written here over the raw GeoJSON rings (no shapely,
   no repair), for points inside a polygon and over all points.
2. Simulated claim errors: for a seeded ``error_rate`` of the reports whose point is inside a
   kelurahan, the claimed kelurahan is a random neighbour (a polygon that touches it); the rest
   claim their true kelurahan. Claims are spelled the ways people write them (case, 'Kel.'
   prefixes, glued words, alias variants), so the normaliser is part of what is measured.
   ``mismatch_recall`` is the share of altered claims flagged ``mismatch`` or ``ambiguous``;
   ``false_alarm_rate`` the share of unaltered claims that are not ``match``. Both headline
   figures are on points more than ``margin_m`` from their kelurahan boundary; the ``_all``
   variants include the points near a boundary.
3. Optionally (``gps_noise_m`` > 0) the checked geotags are jittered by Gaussian noise of that
   standard deviation per axis, while truth and the near/far split stay with the recorded point:
   how often GPS error turns a correct claim into a ``mismatch`` rather than ``ambiguous``.

Only counts and rates are returned; no report text is printed or logged.

    python -m training.evaluate_location [--seed 13] [--error-rate 0.2] [--margin 50] [--gps-noise 0]
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from models.location.checker import LocationChecker, Verdict
from models.location.gazetteer import Gazetteer, Place, TextMention
from models.report import Report
from models.settings import Settings, get_settings
from training.datasets import load_dataset
from training.geo import DKI_JAKARTA, load_gazetteer

__all__ = ["evaluate_location", "even_odd_assign"]

DATASET = "petabencana_jakarta_flood_reports_2017"


# ------------------------------------------------------------------ independent point-in-polygon


def _polygon_parts(geometry: dict) -> list[list[np.ndarray]]:
    """Rings (exterior first) of every polygon part of a GeoJSON Polygon / MultiPolygon."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"not a polygon: {geometry['type']}")
    return [[np.asarray(ring, dtype=float)[:, :2] for ring in polygon] for polygon in polygons]


def _even_odd(rings: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Even-odd rule: a point is inside when a ray to +x crosses the rings an odd number of times."""
    inside = np.zeros(len(x), dtype=bool)
    for ring in rings:
        if not np.array_equal(ring[0], ring[-1]):
            ring = np.vstack([ring, ring[:1]])
        x1, y1, x2, y2 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
        py, px = y[:, None], x[:, None]
        straddles = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        crossings = np.count_nonzero(straddles & (px < x_cross), axis=1)
        inside ^= crossings % 2 == 1
    return inside


def even_odd_assign(features: list[dict], lat: np.ndarray, lon: np.ndarray, name_field: str) -> list[list[str]]:
    """For every point, the names of the features whose raw rings contain it (even-odd rule)."""
    hits: list[list[str]] = [[] for _ in range(len(lat))]
    for feature in features:
        parts = _polygon_parts(feature["geometry"])
        all_xy = np.vstack([ring for part in parts for ring in part])
        (west, south), (east, north) = all_xy.min(axis=0), all_xy.max(axis=0)
        candidates = np.flatnonzero((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
        if len(candidates) == 0:
            continue
        inside = np.zeros(len(candidates), dtype=bool)
        for rings in parts:
            inside |= _even_odd(rings, lon[candidates], lat[candidates])
        for i in candidates[inside]:
            hits[i].append(feature["properties"][name_field])
    return hits


# ------------------------------------------------------------------ claim spellings


def _spellings(gazetteer: Gazetteer) -> dict[str, list[str]]:
    variants: dict[str, list[str]] = {}
    for variant, canonical in gazetteer.aliases.kelurahan.items():
        variants.setdefault(canonical, []).append(variant)
    return variants


def _spell(name: str, rng: np.random.Generator, variants: dict[str, list[str]]) -> str:
    """The claimed name as a person might type it."""
    style = int(rng.integers(7))
    title = name.title()
    if style == 0:
        return name
    if style == 1:
        return title
    if style == 2:
        return name.lower()
    if style == 3:
        return f"Kel. {title}"
    if style == 4:
        return f"Kelurahan {title}"
    if style == 5:
        return title.replace(" ", "")
    options = variants.get(name)
    return str(rng.choice(options)).title() if options else f"KEL {name}"


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# ------------------------------------------------------------------ evaluation


def evaluate_location(
    settings: Settings | None = None,
    *,
    seed: int = 13,
    error_rate: float = 0.2,
    margin_m: float = 50.0,
    vary_spelling: bool = True,
    gps_noise_m: float = 0.0,
) -> dict:
    """Assignment accuracy against the independent test, and recall / false-alarm rate of the
    verdicts on simulated neighbour-swap claim errors. Returns counts and rates only."""
    started = time.perf_counter()
    settings = settings or get_settings()
    gazetteer = load_gazetteer(settings)
    checker = LocationChecker(gazetteer, margin_m=margin_m)
    df = load_dataset(DATASET, settings)
    has_point = df["lat"].notna() & df["lon"].notna()
    df = df[has_point].reset_index(drop=True)
    lat, lon = df["lat"].to_numpy(float), df["lon"].to_numpy(float)

    # 1. assignment vs the independent even-odd test over the raw rings
    layer = DKI_JAKARTA.kelurahan
    raw = json.loads((Path(settings.data_dir) / layer.path).read_text(encoding="utf-8"))
    truth_hits = even_odd_assign(raw["features"], lat, lon, layer.name_field)
    located = [gazetteer.locate_index(la, lo) for la, lo in zip(lat, lon, strict=True)]
    located_names = [gazetteer.places[i].kelurahan if i >= 0 else None for i in located]
    vectorised = gazetteer.locate_many(lat, lon)
    inside = [i for i, hits in enumerate(truth_hits) if len(hits) == 1]
    multi = sum(len(hits) > 1 for hits in truth_hits)
    agree_inside = sum(located_names[i] == truth_hits[i][0] for i in inside)
    agree_all = sum(
        (located_names[i] is None and not hits) or (len(hits) == 1 and located_names[i] == hits[0])
        for i, hits in enumerate(truth_hits)
    )

    # 2. simulated claim errors on the points inside a kelurahan
    rng = np.random.default_rng(seed)
    n_altered = round(error_rate * len(inside))
    altered = set(rng.choice(inside, size=n_altered, replace=False).tolist()) if n_altered else set()
    by_name = {p.kelurahan: p for p in gazetteer.places}
    variants = _spellings(gazetteer)
    noise = rng.normal(0.0, gps_noise_m, size=(len(df), 2)) if gps_noise_m > 0 else np.zeros((len(df), 2))
    check_lat = lat + noise[:, 1] / 110_574.0
    check_lon = lon + noise[:, 0] / (111_320.0 * np.cos(np.radians(lat)))
    rows = []
    for i in inside:
        true_place: Place = by_name[truth_hits[i][0]]
        claim = true_place.kelurahan
        if i in altered:
            neighbours = sorted(p.kelurahan for p in gazetteer.neighbours(true_place))
            claim = str(rng.choice(neighbours))
        spelled = _spell(claim, rng, variants) if vary_spelling else claim
        report = Report(id=df.at[i, "id"], text=df.at[i, "text"], lat=check_lat[i], lon=check_lon[i], kelurahan=spelled)
        verdict = checker.check(report)
        index = gazetteer.index(true_place)
        boundary_m = gazetteer.boundary_distance_m(index, gazetteer.project(lat[i], lon[i]))
        rows.append((i in altered, verdict, true_place, boundary_m))

    def summary(selected: list) -> dict:
        alt = [v for a, v, _, _ in selected if a]
        kept = [v for a, v, _, _ in selected if not a]
        caught = sum(v.verdict in (Verdict.MISMATCH, Verdict.AMBIGUOUS) for v in alt)
        alarms = sum(v.verdict != Verdict.MATCH for v in kept)
        return {
            "n": len(selected),
            "altered": len(alt),
            "unaltered": len(kept),
            "recall": _rate(caught, len(alt)),
            "false_alarm_rate": _rate(alarms, len(kept)),
            "altered_mismatch": sum(v.verdict == Verdict.MISMATCH for v in alt),
            "altered_ambiguous": sum(v.verdict == Verdict.AMBIGUOUS for v in alt),
            "unaltered_not_match": {
                str(k): n for k in Verdict if k != Verdict.MATCH and (n := sum(v.verdict == k for v in kept))
            },
        }

    far = [r for r in rows if r[3] > margin_m]
    far_summary, all_summary = summary(far), summary(rows)
    suggested_right = sum(v.suggested == p for a, v, p, _ in rows if a)

    # 3. the text signal: place names in the real texts vs where the point is; and vs the claims
    with_mentions = agrees = 0
    for i in inside:
        place = by_name[truth_hits[i][0]]
        mentions = gazetteer.find_mentions(df.at[i, "text"])
        if mentions:
            with_mentions += 1
            consistent = {TextMention("kelurahan", place.kelurahan), TextMention("kecamatan", place.kecamatan)}
            agrees += any(m in consistent for m in mentions)
    text_flag_altered = sum(bool(v.text_mismatch) for a, v, _, _ in rows if a)
    text_known_altered = sum(v.text_mismatch is not None for a, v, _, _ in rows if a)
    text_flag_kept = sum(bool(v.text_mismatch) for a, v, _, _ in rows if not a)
    text_known_kept = sum(v.text_mismatch is not None for a, v, _, _ in rows if not a)

    return {
        "assignment_accuracy": _rate(agree_inside, len(inside)),
        "mismatch_recall": far_summary["recall"],
        "false_alarm_rate": far_summary["false_alarm_rate"],
        "mismatch_recall_all": all_summary["recall"],
        "false_alarm_rate_all": all_summary["false_alarm_rate"],
        "assignment_agreement_all_points": _rate(agree_all, len(truth_hits)),
        "vectorised_agrees_with_single": bool(np.array_equal(vectorised, np.asarray(located))),
        "suggestion_accuracy": _rate(suggested_right, len(altered)),
        "n_reports_with_point": len(df),
        "n_inside": len(inside),
        "n_outside": sum(not hits for hits in truth_hits),
        "n_in_several_polygons": multi,
        "n_assignment_disagreements": len(inside) - agree_inside,
        "far": far_summary,
        "all": all_summary,
        "text_reports_with_mentions": with_mentions,
        "text_mentions_agree_with_point": _rate(agrees, with_mentions),
        "text_mismatch_rate_altered": _rate(text_flag_altered, text_known_altered),
        "text_mismatch_rate_unaltered": _rate(text_flag_kept, text_known_kept),
        "seed": seed,
        "error_rate": error_rate,
        "margin_m": margin_m,
        "vary_spelling": vary_spelling,
        "gps_noise_m": gps_noise_m,
        "metric_crs": gazetteer.metric_crs,
        "kelurahan": len(gazetteer),
        "repaired_polygons": list(gazetteer.repaired),
        "gazetteer_defects": len(gazetteer.defects),
        "geo_manifest_sha256": gazetteer.version,
        "dataset_manifest_sha256": df.attrs.get("manifest_sha256"),
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--error-rate", type=float, default=0.2)
    parser.add_argument("--margin", type=float, default=50.0, help="metres")
    parser.add_argument("--exact-spelling", action="store_true", help="claims spelled as in the boundary file")
    parser.add_argument("--gps-noise", type=float, default=0.0, help="s.d. in metres of the jitter per axis")
    args = parser.parse_args(argv)
    result = evaluate_location(
        seed=args.seed,
        error_rate=args.error_rate,
        margin_m=args.margin,
        vary_spelling=not args.exact_spelling,
        gps_noise_m=args.gps_noise,
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
