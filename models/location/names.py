"""Place names as people and boundary files write them, reduced to one lookup key: case, accents,
punctuation and spacing folded, a level's prefix words ("Kel.", "Kota Administrasi") stripped and
abbreviations ("Kp.", "Pd.", "II") expanded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

Level = Literal["kelurahan", "kecamatan", "kota", "region"]

_LEVEL_PREFIXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "kelurahan": (("kelurahan",), ("kel",), ("desa",), ("ds",)),
    "kecamatan": (("kecamatan",), ("kec",)),
    "kota": (
        ("kota", "administrasi"),
        ("kota", "adm"),
        ("kabupaten", "administrasi"),
        ("kab", "adm"),
        ("kotamadya",),
        ("kotamadia",),
        ("kota",),
        ("kabupaten",),
        ("kab",),
    ),
    "region": (("provinsi",), ("propinsi",), ("prov",)),
}
"""Words that say which level a name is, stripped from the front of a name of that level only
(a kelurahan may be called 'KOTA BAMBU SELATAN')."""

NAME_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        "kp": "kampung", "kpg": "kampung", "kamp": "kampung",
        "pd": "pondok", "pdk": "pondok",
        "psr": "pasar",
        "tj": "tanjung", "tg": "tanjung", "tjg": "tanjung",
        "jkt": "jakarta", "jak": "jakarta",
        "sel": "selatan", "slt": "selatan", "sltn": "selatan",
        "ut": "utara", "utr": "utara",
        "bar": "barat", "brt": "barat",
        "tim": "timur", "tmr": "timur",
        "pus": "pusat", "pst": "pusat",
        "ii": "dua", "2": "dua", "iii": "tiga", "3": "tiga",
    }
)  # fmt: skip
"""Indonesian abbreviations expanded in claimed names ('Kp. Melayu', 'Pegangsaan II')."""

TEXT_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {k: v for k, v in NAME_ABBREVIATIONS.items() if k not in {"tim", "bar", "sel", "ut", "pus", "jak", "tg", "2", "3"}}
)
"""The subset expanded in free text, where 'tim', 'bar', '2' ... are ordinary words or numbers."""


_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019`\u00b4]")


def name_tokens(text: str, abbreviations: Mapping[str, str]) -> list[str]:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    folded = _APOSTROPHES.sub("", folded)
    return [abbreviations.get(t, t) for t in _NON_ALNUM.sub(" ", folded).split()]


def normalize_name(name: str, level: Level | None = None, abbreviations: Mapping[str, str] = NAME_ABBREVIATIONS) -> str:
    """Lower-case ASCII words: accents, punctuation and the level's prefix words removed,
    abbreviations expanded. ``normalize_name("Kel. Kp. Melayu", "kelurahan") == "kampung melayu"``.
    """
    tokens = name_tokens(name, abbreviations)
    for prefix in _LEVEL_PREFIXES.get(level or "", ()):
        if len(tokens) > len(prefix) and tuple(tokens[: len(prefix)]) == prefix:
            tokens = tokens[len(prefix) :]
            break
    return " ".join(tokens)


def name_key(name: str, level: Level | None = None) -> str:
    """The lookup key: :func:`normalize_name` without spaces, so 'RAWAJATI' == 'Rawa Jati'."""
    return normalize_name(name, level).replace(" ", "")
