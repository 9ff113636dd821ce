"""The redactor: every PII rule in precedence order, the spans they find, and the masked text.

:func:`redact_spans` finds the personal data as typed character spans (what ``training/evaluate_pii.py``
compares with the hand annotation), and :func:`mask_pii` / :func:`mask_pii_counted` replace exactly those
spans with typed placeholders. Rows of :data:`PII_PATTERNS` run in order and a span that overlaps one found
by an earlier row is dropped, so order is precedence: the numbers (:mod:`models.privacy.numbers`), then
names (:mod:`models.privacy.names`). A last step masks further mentions of a capitalised name already found
in the same text.
"""

import hashlib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from models import lexicon
from models.hashing import sha256_file
from models.name_lists import is_given_name, is_place_name
from models.privacy.name_words import COMMON_NAME_PARTS, NOT_PERSON_BEFORE, STOP, TOKEN
from models.privacy.names import NAME_PATTERNS, PLACE_BEFORE
from models.privacy.numbers import NUMBER_PATTERNS
from models.privacy.pattern import PiiPattern, Span, text_after, text_before

# Patterns run on a *view* of the text in which the Surabaya export's literal line breaks
# (backslash + "n") read as a space + newline: same length, so offsets are the text's own,
# and word boundaries and line ends work as in any other text.


def _view(text: str) -> str:
    return text.replace("\\n", " \n")


# --------------------------------------------------------------------------- the table

PII_PATTERNS: tuple[PiiPattern, ...] = (
    *NUMBER_PATTERNS,
    *NAME_PATTERNS,
)
"""Applied in this order by :func:`redact_spans`; a kind may have several rows."""

_PLACEHOLDERS = {p.kind: p.placeholder for p in PII_PATTERNS}
_KINDS = tuple(_PLACEHOLDERS)


def _recurring_names(view: str, found: list[Span]) -> Iterable[tuple[int, int, str | None]]:
    """Other mentions of a capitalised name already found in the same text: the full name, and the first
    word of a longer one ("Bernama M. Yusuf ... Yusuf", "Hormat saya, Rizal Hakim ... saya
    rizal"), unless that word is a common name part or the mention stands next to a digit
    or after a street/shop word."""
    owners: dict[str, str | None] = {}  # a name's other mentions are the same person's
    for span in found:
        if span.kind != "nama":
            continue
        name = view[span.start : span.end]
        if not name[0].isupper():
            continue  # lower-case finds come from weak introducers: do not multiply a doubtful one
        owners.setdefault(name, span.owner)
        first = TOKEN.match(name)
        if first and first.end() < len(name) and len(first.group()) >= 4:
            owners.setdefault(first.group(), span.owner)
    for name in sorted(owners, key=len, reverse=True):
        if len(name) < 3 or name.lower() in COMMON_NAME_PARTS or name.lower() in STOP:
            continue
        for m in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", view, re.IGNORECASE):
            next_to_digit = re.search(r"\d\W?$", text_before(view, m.start(), 2)) or re.match(
                r"\W?\d", text_after(view, m.end(), 2)
            )
            after_place = NOT_PERSON_BEFORE.search(text_before(view, m.start(), 20)) or PLACE_BEFORE.search(
                text_before(view, m.start(), 25)
            )
            if next_to_digit or after_place:
                continue
            yield (*m.span(), owners[name])


# Words after which a listed place name is the place ("tanah warga Kedungdoro", "tinggal di Rungkut"); not
# "ke", which also goes before a person ("tanya ke Budi").
_PLACE_INTRODUCER = re.compile(
    r"(?i:\b(?:warga|di|dari|daerah|wilayah|kawasan|sekitar|area|asal|kampung|desa|kelurahan|kecamatan))[ \t:]*$"
)


def _names_a_place(view: str, start: int, end: int) -> bool:
    """Whether a name candidate is a listed region or village (models.name_lists) right after a word that
    introduces a place, and does not begin with a listed given name."""
    words = view[start:end]
    first = TOKEN.match(words)
    return (
        is_place_name(words)
        and not (first and is_given_name(first.group()))
        and _PLACE_INTRODUCER.search(text_before(view, start, 25)) is not None
    )


def redact_spans(text: str) -> list[Span]:
    """The personal data in ``text`` as non-overlapping typed spans, sorted by position."""
    view = _view(text)
    found: list[Span] = []

    def add(spans: Iterable[tuple[int, int, str | None]], kind: str) -> None:
        for start, end, owner in spans:
            if kind == "nama" and _names_a_place(view, start, end):
                continue
            if start < end and not any(s.start < end and start < s.end for s in found):
                found.append(Span(start, end, kind, owner))

    for pattern in PII_PATTERNS:
        add(pattern.spans(view), pattern.kind)
    add(list(_recurring_names(view, found)), "nama")
    return sorted(found)


def _replace(text: str, spans: list[Span]) -> str:
    parts, last = [], 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(_PLACEHOLDERS[span.kind])
        last = span.end
    parts.append(text[last:])
    return "".join(parts)


def mask_pii_counted(text: str) -> tuple[str, dict[str, int]]:
    """Mask ``text`` and also return how many spans of each kind were replaced."""
    spans = redact_spans(text)
    counts = dict.fromkeys(_KINDS, 0)
    for span in spans:
        counts[span.kind] += 1
    return _replace(text, spans), counts


def mask_pii(text: str) -> str:
    """Replace NIK/KK numbers, phone numbers, e-mail addresses, vehicle plates and personal
    names with typed placeholders; everything else stays as written."""
    return _replace(text, redact_spans(text))


LEARNED_TAGGER_MODULES = frozenset({"tagger.py", "tagger_features.py", "name_transformer.py"})
"""Modules of this package that mask_pii does not use (the learned name taggers): adding or changing them leaves
every mask, and the version bundles record, as it was."""


@cache
def redactor_version() -> str:
    """The masking code's identity: the first 12 hex digits of the sha256 of the sha256s of its source files,
    every module of this package but the learned taggers' (:data:`LEARNED_TAGGER_MODULES`) and the lexicon
    (:mod:`models.lexicon`) it reads.

    A model bundle records the redactor its training texts were masked with; the service warns when it masks
    incoming reports with another (the model then reads text masked differently from what it learnt on).
    """
    sources = [
        *sorted(path for path in Path(__file__).parent.glob("*.py") if path.name not in LEARNED_TAGGER_MODULES),
        Path(lexicon.__file__),
    ]
    return hashlib.sha256("".join(sha256_file(path) for path in sources).encode()).hexdigest()[:12]
