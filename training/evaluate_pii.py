"""How well :func:`models.privacy.redact_spans` finds personal data in real Surabaya reports.

The gold standard is ``<assets_dir>/annotations/pii_surabaya.jsonl``: report ids and
hand-annotated character spans (kinds ``nik``, ``telepon``, ``email``, ``plat``, ``nama``)
into the raw ``keluhan`` column of the Surabaya export; the texts themselves never leave
``data_dir``. How the sample was drawn and what counts as each kind is in
``annotations/pii_guidelines.md``.

Matching, per gold span ``g`` of kind ``k``:

- found (recall): the alphanumeric characters of ``g`` are covered by predicted spans of
  kind ``k`` - all of them for ``nik``, ``telepon``, ``email`` and ``plat`` (a partly masked
  number still leaks), at least half of them for ``nama`` (a name masked without its last
  word is mostly hidden). ``recall_strict`` asks all characters for every kind.
- precision: a predicted span is correct when it overlaps a gold span of any kind.

The annotation is split by id hash into a development part (patterns were tuned on its
errors only) and a held-out part; both are reported. Nothing here prints or returns text.

    python -m training.evaluate_pii            # JSON with all, dev and held-out figures
"""

import hashlib
import json
from collections import Counter
from pathlib import Path

import pandas as pd

from models.privacy import redact_spans
from training.datasets.manifest import load_manifest
from training.settings import Settings, get_settings

__all__ = ["KINDS", "annotation_part", "evaluate_pii", "load_annotations", "score"]

KINDS = ("nik", "telepon", "email", "plat", "nama")
DATASET = "surabaya_mediacenter"
TABLE = "surabaya_mediacenter/surabaya_mediacenter_keluhan_2022_2023.csv"
ANNOTATIONS = Path("annotations") / "pii_surabaya.jsonl"
_FULL_COVER = {"nik", "telepon", "email", "plat"}
_NAME_COVER = 0.5


def annotation_part(report_id: int) -> str:
    """'dev' or 'heldout': the fixed split of the annotation (first byte of sha256 of the id)."""
    return "dev" if hashlib.sha256(str(report_id).encode()).digest()[0] % 2 == 0 else "heldout"


def load_annotations(settings: Settings | None = None) -> dict[int, list[tuple[int, int, str]]]:
    settings = settings or get_settings()
    gold: dict[int, list[tuple[int, int, str]]] = {}
    with open(Path(settings.assets_dir) / ANNOTATIONS, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                gold[int(row["id"])] = [(int(s), int(e), str(k)) for s, e, k in row["spans"]]
    return gold


def load_raw_texts(ids: set[int], settings: Settings | None = None) -> dict[int, str]:
    """The raw (unmasked) report texts of ``ids``, after checking the export against its manifest."""
    settings = settings or get_settings()
    load_manifest(DATASET, settings.assets_dir).verify(settings.data_dir)  # offsets are only valid for this file
    df = pd.read_csv(Path(settings.data_dir) / TABLE, usecols=["id", "keluhan"], dtype={"keluhan": str})
    df = df[df["id"].isin(ids)]
    texts = {int(i): t for i, t in zip(df["id"], df["keluhan"], strict=True)}
    missing = ids - set(texts)
    if missing:
        raise KeyError(f"{len(missing)} annotated report ids are not in {TABLE}")
    return texts


def _alnum_positions(text: str, start: int, end: int) -> list[int]:
    positions = [i for i in range(start, end) if text[i].isalnum()]
    return positions or list(range(start, end))


def score(
    texts: dict[int, str],
    gold: dict[int, list[tuple[int, int, str]]],
    predicted: dict[int, list[tuple[int, int, str]]],
) -> dict:
    """Recall per kind, overall precision, and counts, for the reports in ``gold``."""
    n_gold, n_found, n_strict = Counter(), Counter(), Counter()
    n_pred, n_pred_ok = Counter(), Counter()
    for rid, spans in gold.items():
        text, pred = texts[rid], predicted[rid]
        for start, end, kind in spans:
            chars = _alnum_positions(text, start, end)
            covered = sum(any(ps <= i < pe for ps, pe, pk in pred if pk == kind) for i in chars)
            need = len(chars) if kind in _FULL_COVER else _NAME_COVER * len(chars)
            n_gold[kind] += 1
            n_found[kind] += covered >= need
            n_strict[kind] += covered == len(chars)
        for ps, pe, pk in pred:
            n_pred[pk] += 1
            n_pred_ok[pk] += any(ps < end and start < pe for start, end, _ in spans)

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    total_pred = sum(n_pred.values())
    return {
        "recall": {k: ratio(n_found[k], n_gold[k]) for k in KINDS},
        "precision": ratio(sum(n_pred_ok.values()), total_pred),
        "n_reports": len(gold),
        "n_spans": {k: n_gold[k] for k in KINDS},
        "recall_strict": {k: ratio(n_strict[k], n_gold[k]) for k in KINDS},
        "precision_by_kind": {k: ratio(n_pred_ok[k], n_pred[k]) for k in KINDS},
        "n_predicted": {k: n_pred[k] for k in KINDS},
    }


def evaluate_pii(settings: Settings | None = None, part: str = "all") -> dict:
    """Score the redactor on the annotation: ``part`` is 'all', 'dev' or 'heldout'.

    With ``part='all'`` the result also carries ``by_part`` with the dev and held-out figures.
    """
    if part not in {"all", "dev", "heldout"}:
        raise ValueError(f"part must be 'all', 'dev' or 'heldout', not {part!r}")
    settings = settings or get_settings()
    gold = load_annotations(settings)
    texts = load_raw_texts(set(gold), settings)
    predicted = {rid: [(s.start, s.end, s.kind) for s in redact_spans(texts[rid])] for rid in gold}

    def subset(name: str) -> dict:
        ids = [rid for rid in gold if name == "all" or annotation_part(rid) == name]
        return score(texts, {rid: gold[rid] for rid in ids}, predicted)

    result = subset(part)
    if part == "all":
        result["by_part"] = {name: subset(name) for name in ("dev", "heldout")}
    return result


def main() -> None:
    print(json.dumps(evaluate_pii(), indent=2))


if __name__ == "__main__":
    main()
