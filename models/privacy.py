"""Mask personal data in Indonesian report text before it is stored, shown or logged.

Real complaint texts carry the reporter's NIK/KK number, phone numbers and e-mail
addresses (see the PII warning in the data README). Every text that enters the project
goes through :func:`mask_pii`, which replaces those with typed placeholders
(``[NIK]``, ``[TELEPON]``, ``[EMAIL]``) and leaves everything else as written, so models
still see that a phone number was given and where, but never whose.

The patterns are a small ordered table (:data:`PII_PATTERNS`); later kinds (names,
vehicle plates) are added as new rows. Order matters: e-mail first (its local part may
hold digits), then the exact-16-digit NIK/KK, then phones. Ordinary numbers stay intact:
RT/RW, house numbers, dates, times, money ("Rp 150.000"), years and 15/17/18-digit
numbers (e.g. the 18-digit NOP of a land-tax bill) are not masked.
"""

import re
from dataclasses import dataclass

__all__ = ["PII_PATTERNS", "PiiPattern", "mask_pii", "mask_pii_counted"]


@dataclass(frozen=True, slots=True)
class PiiPattern:
    """One kind of personal data: what it is, what replaces it, how to find it."""

    kind: str
    placeholder: str
    regex: re.Pattern[str]


# Separators people put between digit groups: one space, dot or dash.
_SEP = r"[ .\-]"

_EMAIL = re.compile(
    r"(?<!\\)"  # exports escape newlines as a literal "\n": never start inside one ...
    r"(?:(?<=\\n)|(?<![\w.%+\-]))"  # ... but "\nbudi@x.id" starts at "b"
    r"[\w.%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
)

# A 16-digit NIK/KK written as one run or in the usual groupings, one space, dot or dash
# between groups: 16, 4-4-4-4, 2-2-2-6-4 (region.date.serial), 6-6-4, 6-2-2-2-4.
# Only these shapes, so date ranges ("08-03-2024-10-03-2024", also 16 digits) are not
# taken for a NIK. Not preceded or followed by another digit (directly or across one
# separator), so a 15-, 17- or 18-digit number is left alone instead of partly masked.
_NIK_GROUPINGS = ((16,), (4, 4, 4, 4), (2, 2, 2, 6, 4), (6, 6, 4), (6, 2, 2, 2, 4))
_NIK = re.compile(
    rf"(?<!\d)(?<!\d{_SEP})"
    + "(?:" + "|".join(_SEP.join(rf"\d{{{n}}}" for n in groups) for groups in _NIK_GROUPINGS) + ")"
    + rf"(?!{_SEP}?\d)"
)

# Indonesian phone numbers: +62 / 62 / 0 prefix, then 9-13 digits. Without a "+" only
# mobile numbers count and their "8x" must be written together ("0812", "62 812"), so
# dates and times ("08-03-2024", "08.00") or "62" starting an ordinary number do not match.
# Digit groups may be split by a space, a dot or dash (optionally spaced: " - "), and
# parentheses: "+62 812-3456-7890", "(+62) 812 3456 7890", "6281234567890", "(0812) 3456.7890".
_PHONE_SEP = r"(?: ?[.\-] ?| )?"
_TELEPON = re.compile(
    r"(?<![\d+])"
    r"(?:\(\s?\+\s?62\s?\)|\+\s?62|\(62\)|62(?=[ .\-]?\(?8[1-9])|\(?0(?=8[1-9]))"
    rf"{_PHONE_SEP}\(?"
    rf"\d(?:\)?{_PHONE_SEP}\(?\d){{8,12}}"
    r"(?!\d)"
)

PII_PATTERNS: tuple[PiiPattern, ...] = (
    PiiPattern("email", "[EMAIL]", _EMAIL),
    PiiPattern("nik", "[NIK]", _NIK),
    PiiPattern("telepon", "[TELEPON]", _TELEPON),
)
"""Applied in this order by :func:`mask_pii`."""


def mask_pii_counted(text: str) -> tuple[str, dict[str, int]]:
    """Mask ``text`` and also return how many matches of each kind were replaced."""
    counts: dict[str, int] = {}
    for pattern in PII_PATTERNS:
        text, n = pattern.regex.subn(pattern.placeholder, text)
        counts[pattern.kind] = n
    return text, counts


def mask_pii(text: str) -> str:
    """Replace NIK/KK numbers, phone numbers and e-mail addresses with typed placeholders."""
    for pattern in PII_PATTERNS:
        text = pattern.regex.sub(pattern.placeholder, text)
    return text
