"""How well :func:`models.privacy.redactor.redact_spans` finds personal data in real Surabaya reports.

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

Names by owner: every gold ``nama`` span may carry a fourth element, ``"self"`` (the reporter naming
themself) or ``"other"`` (see the guidelines' "Owner of a name"; folded in by
:mod:`training.fold_name_owners`). ``self_name.recall`` is the share of ``self`` spans found by name
masks (as for any name); ``self_name.precision`` is the share of the name masks the redactor attributes to
the writer (``Span.owner == "self"``) that overlap a gold name: the reporter's name is masked, and the
masks put where the writer names themself are not wasted. ``self_name.owner_precision`` asks more: that
such a mask overlaps a gold ``self`` span (the attribution is right). Unlabelled names count for neither.

Parts of the annotation (``annotation_part``): the first 337 reports are split by id hash
into ``dev`` and ``heldout``; reports added later carry their part in the file (``"part":
"test2"`` up to ``"part": "test7"``, ``"train1"``, ``"train2"``). Each ``test`` part was a fresh
test part when it was added: annotated while the patterns were frozen (``test5`` to ``test7`` by an
annotator who saw neither the rules nor the redactor's output) and scored once. Once scored, a part
joins the ``development`` data. ``train1`` and ``train2`` were drawn from the name-rich strata
(:data:`TRAINING_PART_PLAN`) as training data for a learned name tagger, by independent annotators
too, and are development data from the start. The newest fresh parts (:data:`TEST_PARTS`, now
``test19`` and ``test20``, drawn by one plan and scored together) are the test data, ``test``;
``development`` is every other part (:data:`DEVELOPMENT_PARTS`).
:func:`pii_section` is what ``triase evaluate`` reports: the test parts first, the
development figures beside it. Nothing here prints or returns text.

    python -m training.evaluate_pii                      # the pii section (test and development)
    python -m training.evaluate_pii --part development   # all figures of one part (dev, test2, test, all, ...)
    python -m training.evaluate_pii --draw test7 99999   # test7 as drawn (test3: 666 ... test6: 88888)
    python -m training.evaluate_pii --draw train1 101 --plan training   # train1 as drawn (train2: 202)
    python -m training.evaluate_pii --draw test9 909 --plan names       # test9 as drawn
    python -m training.evaluate_pii --draw test10 1010 --plan self_cue  # test10 as drawn (test11: 1111, test12: 1212)
    python -m training.evaluate_pii --draw test13 1313 --plan letter    # test13 as drawn (... test18: 1818)
    python -m training.evaluate_pii --draw test19 1919 --plan first_person  # test19 as drawn (test20: 2020)
    python -m training.evaluate_pii --cross-parts        # rules vs rules + learned name tagger, leave one part out
    python -m training.evaluate_pii --tagger-test-part   # the test parts: rules vs rules + tagger fitted on the rest
    python -m training.evaluate_pii --transformer-test-part  # the same with the fine-tuned e5 tagger (~20 min)
"""

import argparse
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from models.privacy.redactor import redact_spans
from models.settings import Settings, get_settings
from training.datasets.manifest import load_manifest

__all__ = [
    "KINDS",
    "OWNERS",
    "PARTS",
    "PART_PLANS",
    "TEST_PARTS",
    "NAMES_PART_PLAN",
    "SELF_CUE_PART_PLAN",
    "LETTER_PART_PLAN",
    "FIRST_PERSON_PART_PLAN",
    "TRAINING_PART_PLAN",
    "annotation_part",
    "draw_fresh_part",
    "draw_part_ids",
    "GoldSpan",
    "evaluate_pii",
    "load_annotation_parts",
    "load_annotations",
    "pii_section",
    "score",
]

KINDS = ("nik", "telepon", "email", "plat", "nama")
OWNERS = ("self", "other")
DATASET = "surabaya_mediacenter"
TABLE = "surabaya_mediacenter/surabaya_mediacenter_keluhan_2022_2023.csv"
ANNOTATIONS = Path("annotations") / "pii_surabaya.jsonl"
_FULL_COVER = {"nik", "telepon", "email", "plat"}
_NAME_COVER = 0.5

PARTS = (
    *("dev", "heldout", "test2", "test3", "test4", "test5", "test6", "test7", "train1", "train2", "test8", "test9"),
    *("test10", "test11", "test12", "test13", "test14", "test15", "test16", "test17", "test18", "test19", "test20"),
)
"""Every part, in the order drawn (what :func:`draw_part_ids` excludes)."""
TEST_PARTS = ("test19", "test20")
"""The fresh test data: the newest parts, drawn by one plan (one part held too few writer's names to score)."""
# Every other part was read while tuning, or annotated to learn from: development data.
DEVELOPMENT_PARTS = tuple(part for part in PARTS if part not in TEST_PARTS)
_PART_GROUPS = {"test": TEST_PARTS, "development": DEVELOPMENT_PARTS}
_PART_CHOICES = (*PARTS, *_PART_GROUPS, "all")


def annotation_part(report_id: int, recorded: str | None = None) -> str:
    """The part a report belongs to: ``recorded`` (the row's ``part`` field) when the file gives one,
    else 'dev' or 'heldout' by the fixed split of the first 337 reports (first byte of sha256 of the id)."""
    if recorded is not None:
        return recorded
    return "dev" if hashlib.sha256(str(report_id).encode()).digest()[0] % 2 == 0 else "heldout"


def _rows(settings: Settings) -> list[dict]:
    with open(Path(settings.assets_dir) / ANNOTATIONS, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class GoldSpan(NamedTuple):
    """An annotated span: ``text[start:end]`` is personal data of ``kind``; for a name, whose (``owner``,
    one of :data:`OWNERS`, None where not labelled)."""

    start: int
    end: int
    kind: str
    owner: str | None = None


def _gold_span(span: list) -> GoldSpan:
    start, end, kind, *rest = span
    owner = rest[0] if rest else None
    if owner is not None and (kind != "nama" or owner not in OWNERS):
        raise ValueError(f"span {span}: only a nama span has an owner, one of {', '.join(OWNERS)}")
    return GoldSpan(int(start), int(end), str(kind), owner)


def load_annotations(settings: Settings | None = None) -> dict[int, list[GoldSpan]]:
    """Gold spans per report id, every part."""
    settings = settings or get_settings()
    return {int(row["id"]): [_gold_span(span) for span in row["spans"]] for row in _rows(settings)}


def load_annotation_parts(settings: Settings | None = None) -> dict[int, str]:
    """The part of every annotated report id (see :func:`annotation_part`)."""
    settings = settings or get_settings()
    return {int(row["id"]): annotation_part(int(row["id"]), row.get("part")) for row in _rows(settings)}


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


def _found(text: str, gold: GoldSpan, predicted: list[tuple[int, int, str, str | None]]) -> tuple[bool, bool]:
    """Whether ``gold`` counts as found (see the module docstring), and whether all its characters are covered."""
    chars = _alnum_positions(text, gold.start, gold.end)
    covered = sum(any(ps <= i < pe for ps, pe, pk, _ in predicted if pk == gold.kind) for i in chars)
    need = len(chars) if gold.kind in _FULL_COVER else _NAME_COVER * len(chars)
    return covered >= need, covered == len(chars)


def score(
    texts: dict[int, str],
    gold: dict[int, list[GoldSpan]] | dict[int, list[tuple[int, int, str]]],
    predicted: dict[int, list[tuple[int, int, str, str | None]]],
) -> dict:
    """Recall per kind, overall precision, the reporter's own name (``self_name``), and counts, for the
    reports in ``gold``. ``predicted`` spans are (start, end, kind, owner); gold spans may also be plain
    (start, end, kind) tuples, such as reviewers' masks (``training.reviewer_masks``), with no owner."""
    gold = {rid: [GoldSpan(*span) for span in spans] for rid, spans in gold.items()}
    n_gold, n_found, n_strict = Counter(), Counter(), Counter()
    n_pred, n_pred_ok = Counter(), Counter()
    n_self_pred, n_self_pred_name, n_self_pred_self = 0, 0, 0
    n_unlabelled = 0
    for rid, spans in gold.items():
        text, pred = texts[rid], predicted[rid]
        for span in spans:
            found, strict = _found(text, span, pred)
            n_gold[span.kind] += 1
            n_found[span.kind] += found
            n_strict[span.kind] += strict
            if span.kind == "nama":
                n_unlabelled += span.owner is None
                n_gold[f"nama_{span.owner}"] += 1
                n_found[f"nama_{span.owner}"] += found
        for ps, pe, pk, owner in pred:
            n_pred[pk] += 1
            n_pred_ok[pk] += any(ps < g.end and g.start < pe for g in spans)
            if pk == "nama" and owner == "self":
                overlapped = [g for g in spans if g.kind == "nama" and ps < g.end and g.start < pe]
                n_self_pred += 1
                n_self_pred_name += bool(overlapped)
                n_self_pred_self += any(g.owner == "self" for g in overlapped)

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    total_pred = sum(n_pred.values())
    return {
        "recall": {k: ratio(n_found[k], n_gold[k]) for k in KINDS},
        "precision": ratio(sum(n_pred_ok.values()), total_pred),
        "self_name": {
            "recall": ratio(n_found["nama_self"], n_gold["nama_self"]),
            "precision": ratio(n_self_pred_name, n_self_pred),
            "owner_precision": ratio(n_self_pred_self, n_self_pred),
            "other_recall": ratio(n_found["nama_other"], n_gold["nama_other"]),
            "n_spans": n_gold["nama_self"],
            "n_other": n_gold["nama_other"],
            "n_unlabelled": n_unlabelled,
            "n_predicted": n_self_pred,
        },
        "n_reports": len(gold),
        "n_spans": {k: n_gold[k] for k in KINDS},
        "recall_strict": {k: ratio(n_strict[k], n_gold[k]) for k in KINDS},
        "precision_by_kind": {k: ratio(n_pred_ok[k], n_pred[k]) for k in KINDS},
        "n_predicted": {k: n_pred[k] for k in KINDS},
    }


def _in_part(part: str, name: str) -> bool:
    return name == "all" or part == name or part in _PART_GROUPS.get(name, ())


def evaluate_pii(settings: Settings | None = None, part: str = "all") -> dict:
    """Score the redactor on the annotation: ``part`` is one of :data:`PARTS`, 'test' (:data:`TEST_PARTS`),
    'development' (:data:`DEVELOPMENT_PARTS`, every other part) or 'all'.

    With ``part='all'`` the result also carries ``by_part`` with the figures of every part, of 'test' and of
    'development'.
    """
    if part not in _PART_CHOICES:
        raise ValueError(f"part must be one of {', '.join(_PART_CHOICES)}, not {part!r}")
    settings = settings or get_settings()
    parts = load_annotation_parts(settings)
    gold = {rid: spans for rid, spans in load_annotations(settings).items() if _in_part(parts[rid], part)}
    texts = load_raw_texts(set(gold), settings)
    predicted = {rid: [(s.start, s.end, s.kind, s.owner) for s in redact_spans(texts[rid])] for rid in gold}

    def subset(name: str) -> dict:
        return score(texts, {rid: spans for rid, spans in gold.items() if _in_part(parts[rid], name)}, predicted)

    result = subset(part)
    if part == "all":
        result["by_part"] = {name: subset(name) for name in (*PARTS, *_PART_GROUPS)}
    return result


def pii_section(settings: Settings | None = None) -> dict[str, float | int | None]:
    """The ``pii`` section of ``triase evaluate``: recall per kind, precision and counts on the fresh
    test parts :data:`TEST_PARTS` together (``test_*``), and the same on the development data, every other
    part (``dev_*``), flat so that every figure is a metric; the reporter's own name
    (``test_self_name_recall``, ``test_self_name_precision``, ...), and per part
    (``part_<part>_name_recall``, ``part_<part>_precision``, ``part_<part>_self_name_recall``,
    ``part_<part>_self_name_precision``). A recall is None when the part holds no span of that kind (no
    fresh part holds an e-mail address, ``test4`` to ``test7`` no plate: see the guidelines), or no
    name labelled ``self``."""
    figures = evaluate_pii(settings, part="all")["by_part"]
    section: dict[str, float | int | None] = {}
    for prefix, name in (("test", "test"), ("dev", "development")):
        part = figures[name]
        section |= {f"{prefix}_recall_{kind}": part["recall"][kind] for kind in KINDS}
        section[f"{prefix}_precision"] = part["precision"]
        section[f"{prefix}_n_reports"] = part["n_reports"]
        section |= {f"{prefix}_n_{kind}": part["n_spans"][kind] for kind in KINDS}
        section |= {f"{prefix}_self_name_{key}": value for key, value in part["self_name"].items()}
    for name in PARTS:  # "part_" keeps the part named dev apart from the development figures (dev_*)
        part = figures[name]
        section[f"part_{name}_name_recall"] = part["recall"]["nama"]
        section[f"part_{name}_precision"] = part["precision"]
        section[f"part_{name}_self_name_recall"] = part["self_name"]["recall"]
        section[f"part_{name}_self_name_precision"] = part["self_name"]["precision"]
    return section


# --------------------------------------------------------------------------- drawing a fresh part

# Broad selectors that choose which reports to read, so that reports with personal data are
# well represented (see the guidelines' "Sample design"). Every drawn report is read in full
# and every span in it annotated, whatever selected it.
_PLATE_TOKEN = re.compile(r"\b([A-Z]{1,2}) ?\d{1,4} ?[A-Z]{1,3}\b")
_NOT_PLATE_LETTERS = frozenset({"RT", "RW", "GG", "NO", "JL", "BLOK"})
# Broad on purpose: "saya"/"pelapor"/"dari"/"kami" (with an optional title) before a capitalised word, or
# a closing phrase followed by capitalised words that end the text. It picks reports where a writer may
# name themself, whatever cue they use; it is not the redactor's rule and catches many non-names
# ("saya Warga ...").
_SELF_INTRODUCTION = re.compile(
    r"\b(?:[Ss]aya|SAYA|[Pp]elapor|[Dd]ari|[Kk]ami)\s+(?:[Bb]apak|[Ii]bu|[Bb]pk|[Bb]u|[Pp]ak|[Ss]dr\.?|[Ss]audara)?\s*[A-Z][a-z]{2,}"
)
_CLOSING_NAME = re.compile(
    r"(?i:hormat|salam|wassalam|terima ?kasih|terimakasih|trims|ttd)[^\w]{0,12}[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*\W*$"
)
# A long text, or one whose last line is short (a signature's shape), reads like a letter, and letters are
# signed: among the annotated reports drawn at random, about one in six of these names its writer.
_LETTER_LENGTH = 600
_SHORT_LAST_LINE = re.compile(r"\\n[^\\]{2,40}$")
# A text of some length written in the first person: the writer speaks, and may say who they are.
_FIRST_PERSON = re.compile(r"(?i)\b(?:saya|sy|aku)\b")
_FIRST_PERSON_LENGTH = 200
STRATUM_SELECTORS: dict[str, Callable[[str], bool]] = {
    "digits": lambda t: re.search(r"\d(?:[ .\-]?\d){8,}", t) is not None,
    "email_at": lambda t: "@" in t,
    "name_phrase": lambda t: (
        re.search(r"(?i)nama saya|atas nama|\ba\.n\.|\ban\.|saya (?:bapak|ibu|bpk|bu|pak)\b", t) is not None
    ),
    "plate_like": lambda t: (
        re.search(r"(?i)nopol|plat|nomor polisi|no pol", t) is not None or _PLATE_TOKEN.search(t) is not None
    ),
    "phone_like": lambda t: (
        re.search(r"(?:\+62|\b62|\b0)[ .\-]?8[1-9]", t) is not None
        or re.search(r"(?i)\b(?:telp|wa|hp|hubungi)\b", t) is not None
    ),
    "plate_extra": lambda t: (
        re.search(r"(?i)nopol|no pol|plat nomor|nomor polisi|tnkb|plat\s+[a-z]{1,2}\s?\d", t) is not None
        or any(m.group(1) not in _NOT_PLATE_LETTERS for m in _PLATE_TOKEN.finditer(t))
    ),
    "self_cue": lambda t: (
        _SELF_INTRODUCTION.search(t) is not None or _CLOSING_NAME.search(t.replace("\\n", " ")) is not None
    ),
    "letter_like": lambda t: len(t) > _LETTER_LENGTH or _SHORT_LAST_LINE.search(t) is not None,
    "first_person": lambda t: len(t) > _FIRST_PERSON_LENGTH and _FIRST_PERSON.search(t) is not None,
}
# test3 to test7: reports per stratum, drawn in this order; then uniformly at random up to the total.
FRESH_PART_PLAN = (
    ("digits", 25),
    ("email_at", 25),
    ("name_phrase", 30),
    ("plate_like", 20),
    ("phone_like", 25),
    ("plate_extra", 15),
)
# train1 and train2: annotated to train the name tagger, so drawn only from the strata where names
# are common (sign-offs next to numbers, introductions, contact details); development data from the start.
TRAINING_PART_PLAN = (
    ("digits", 60),
    ("name_phrase", 70),
    ("phone_like", 60),
)
# test9 on: the name-rich strata above were used up by test8 (name_phrase, phone_like and email_at
# empty, 26 digits left), and a random report holds a reporter's name about once in 25, so a part drawn
# by FRESH_PART_PLAN would hold too few of them to score the self-name targets. The self_cue stratum
# refills the supply; the random rest keeps names that no cue announces.
NAMES_PART_PLAN = (
    ("digits", 26),
    ("self_cue", 90),
    ("plate_like", 20),
)
# test10 on: test9 took the last digits reports; a self_cue report held a writer's name about one time in four
# there, a random one one time in thirty, so the self_cue stratum grows to keep ~40 writer's names in a part.
SELF_CUE_PART_PLAN = (
    ("self_cue", 160),
    ("plate_like", 20),
)
# test13 on: test12 took the last self_cue reports; the letter_like stratum, with no cue of its own, keeps
# about 40 writer's names in a part and brings layouts that no cue announced.
LETTER_PART_PLAN = (
    ("letter_like", 240),
    ("plate_like", 20),
)
# test19 on: test18 left 133 letter_like reports, too few for two parts; first-person texts of some length are the
# largest supply left (about 1,600 reports), drawn after the last letter-shaped ones.
FIRST_PERSON_PART_PLAN = (
    ("letter_like", 70),
    ("first_person", 190),
)
PART_PLANS = {
    "fresh": (FRESH_PART_PLAN, 180),
    "training": (TRAINING_PART_PLAN, 190),
    "names": (NAMES_PART_PLAN, 240),
    "self_cue": (SELF_CUE_PART_PLAN, 260),
    "letter": (LETTER_PART_PLAN, 260),
    "first_person": (FIRST_PERSON_PART_PLAN, 260),
}


def draw_fresh_part(
    texts: dict[int, str],
    exclude: set[int],
    seed: int,
    plan: tuple[tuple[str, int], ...] = FRESH_PART_PLAN,
    total: int = 180,
) -> dict[int, str]:
    """Report id -> stratum of a fresh annotation part: identical texts collapsed to their smallest
    id, reports in ``exclude`` (and texts identical to theirs) left out, then ``plan``'s strata drawn
    in order without replacement with ``numpy.random.RandomState(seed)``, the rest of ``total``
    uniformly at random."""
    excluded_texts = {texts[i] for i in exclude if i in texts}
    first_id: dict[str, int] = {}
    for rid in sorted(texts):
        first_id.setdefault(texts[rid], rid)
    pool = sorted(rid for text, rid in first_id.items() if rid not in exclude and text not in excluded_texts)
    rng = np.random.RandomState(seed)
    drawn: dict[int, str] = {}
    for stratum, n in plan:
        candidates = [rid for rid in pool if rid not in drawn and STRATUM_SELECTORS[stratum](texts[rid])]
        if candidates:
            drawn |= {int(rid): stratum for rid in rng.choice(candidates, size=min(n, len(candidates)), replace=False)}
    rest = [rid for rid in pool if rid not in drawn]
    drawn |= {int(rid): "random" for rid in rng.choice(rest, size=total - len(drawn), replace=False)}
    return drawn


def draw_part_ids(part: str, seed: int, plan: str = "fresh", settings: Settings | None = None) -> dict[int, str]:
    """The ids and strata of part ``part`` as drawn from the export with :data:`PART_PLANS` ``plan``,
    excluding every report of the parts drawn before it (those before it in :data:`PARTS`; every
    annotated part for a part not yet in :data:`PARTS`), so that a part redraws the same after later
    parts are added (ids only: nothing here returns text)."""
    settings = settings or get_settings()
    load_manifest(DATASET, settings.assets_dir).verify(settings.data_dir)
    df = pd.read_csv(Path(settings.data_dir) / TABLE, usecols=["id", "keluhan"], dtype={"keluhan": str})
    df = df.dropna(subset=["keluhan"])
    texts = {int(i): t for i, t in zip(df["id"], df["keluhan"], strict=True)}
    earlier = PARTS[: PARTS.index(part)] if part in PARTS else PARTS
    exclude = {rid for rid, name in load_annotation_parts(settings).items() if name in earlier}
    steps, total = PART_PLANS[plan]
    return draw_fresh_part(texts, exclude, seed, steps, total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=_PART_CHOICES, help="full figures of one part instead of the pii section")
    parser.add_argument(
        "--draw",
        nargs=2,
        metavar=("PART", "SEED"),
        help="print the ids and strata of a part as drawn (test3: 666, test4: 6666, test5: 7777, test6: 88888, "
        "test7: 99999, test8: 424242; train1: 101 and train2: 202 with --plan training; test9: 909 with --plan "
        "names; test10: 1010, test11: 1111, test12: 1212 with --plan self_cue; test13: 1313, test14: 1414, "
        "test15: 1515, test16: 1616, test17: 1717 and test18: 1818 with --plan letter; test19: 1919 and test20: 2020 "
        "with --plan first_person)",
    )
    parser.add_argument("--plan", choices=sorted(PART_PLANS), default="fresh", help="strata plan of --draw")
    parser.add_argument(
        "--cross-parts",
        action="store_true",
        help="leave-one-part-out figures of the rules alone and with the learned name tagger "
        "(training.name_tagger_parts)",
    )
    parser.add_argument(
        "--tagger-test-part",
        action="store_true",
        help="the fresh test parts scored by the rules alone and with the name tagger fitted on the development "
        "parts (as registered in the guidelines: with unlisted one-word names, as the tagger was then, and without)",
    )
    parser.add_argument(
        "--transformer-test-part",
        action="store_true",
        help="the fresh test parts scored by the rules alone and with the e5 encoder fine-tuned as a name tagger "
        "(models.privacy.name_transformer, fitted on the development parts from the converted embedder: ~20 minutes "
        "on two cores)",
    )
    args = parser.parse_args()
    if args.cross_parts or args.tagger_test_part or args.transformer_test_part:
        from models.privacy.name_transformer import TransformerNameTagger
        from models.privacy.tagger import NameTagger
        from training import name_tagger_parts  # imports this module: loaded only when asked for

        if args.cross_parts:
            print(name_tagger_parts.format_table(name_tagger_parts.cross_part_figures()))
        if args.tagger_test_part:
            taggers = {
                "tagger_with_unlisted_single_words": NameTagger(unlisted_single_words=True),
                "tagger": NameTagger(),
            }
            print(json.dumps(name_tagger_parts.test_part_figures(taggers), indent=2))
        if args.transformer_test_part:
            tagger = TransformerNameTagger(encoder_dir=get_settings().embedder_dir)
            print(json.dumps(name_tagger_parts.test_part_figures({"transformer": tagger}), indent=2))
        return
    if args.draw:
        print(json.dumps(draw_part_ids(args.draw[0], int(args.draw[1]), args.plan)))
        return
    print(json.dumps(pii_section() if args.part is None else evaluate_pii(part=args.part), indent=2))


if __name__ == "__main__":
    main()
