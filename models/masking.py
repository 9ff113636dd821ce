"""Personal data a reviewer marks by hand in a stored (already masked) text: the kinds and how a span is masked.

The redactor (:mod:`models.privacy`) masks what its rules find; a reviewer masks what slipped through, with the
same placeholders, so a text masked by either reads the same to people and models. Two kinds only a person
marks are added: an address (``alamat``) and anything else that identifies someone (``lainnya``).

Offsets are Python string indices (code points) into the text as stored, end exclusive.
"""

import hashlib
import re

from models.privacy.redactor import PII_PATTERNS

__all__ = [
    "EXPORT_ROW_KIND",
    "MASK_PLACEHOLDERS",
    "MaskError",
    "apply_mask",
    "check_span",
    "placeholder_spans",
    "span_words",
    "text_sha256",
]

EXPORT_ROW_KIND = "personal_data"
"""`kind` of a reviewer's mask in `triase export-decisions`, which `training.reviewer_masks` reads back."""


def text_sha256(text: str) -> str:
    """The hash a mask keeps of the text its offsets refer to; training checks a raw text's masking against it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


MASK_PLACEHOLDERS: dict[str, str] = {
    **{pattern.kind: pattern.placeholder for pattern in PII_PATTERNS},
    "alamat": "[ALAMAT]",
    "lainnya": "[DATA PRIBADI]",
}
"""Kind -> placeholder: the redactor's kinds (nama, telepon, nik, email, plat) and those only a reviewer marks."""

_PLACEHOLDER = re.compile(
    "|".join(re.escape(p) for p in sorted(set(MASK_PLACEHOLDERS.values()), key=len, reverse=True))
)
_WORD = re.compile(r"\w+")


class MaskError(ValueError):
    """A span that cannot be masked; `field` is the request field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` already holds a placeholder (of the redactor or of an earlier mask)."""
    return [m.span() for m in _PLACEHOLDER.finditer(text)]


def check_span(text: str, start: int, end: int) -> None:
    """Raise :class:`MaskError` unless ``text[start:end]`` can be masked: inside the text, holding a letter or
    digit, and overlapping no placeholder (what is masked already cannot be masked again)."""
    if start < 0 or start > len(text):
        raise MaskError("start", f"must be between 0 and the text's length ({len(text)})")
    if end > len(text):
        raise MaskError("end", f"must be at most the text's length ({len(text)})")
    if end <= start:
        raise MaskError("end", "the span is empty: end must be greater than start")
    if not any(c.isalnum() for c in text[start:end]):
        raise MaskError("end", "the span holds no letter or digit")
    for p_start, p_end in placeholder_spans(text):
        if p_start < end and start < p_end:
            raise MaskError("start", f"the span overlaps a placeholder already in the text (at {p_start}-{p_end})")


def apply_mask(text: str, start: int, end: int, kind: str) -> str:
    """`text` with ``text[start:end]`` replaced by the placeholder of `kind` (checked with :func:`check_span`)."""
    if kind not in MASK_PLACEHOLDERS:
        raise MaskError("kind", f"unknown kind; one of {', '.join(MASK_PLACEHOLDERS)}")
    check_span(text, start, end)
    return text[:start] + MASK_PLACEHOLDERS[kind] + text[end:]


def span_words(text: str) -> set[str]:
    """The lower-case words of a masked span: what must also leave any phrase kept beside the text."""
    return {w.lower() for w in _WORD.findall(text)}
