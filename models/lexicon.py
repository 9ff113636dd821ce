"""Ordinary Indonesian words: Sastrawi's root-word dictionary and stemmer, and the given names that are words.

Both the PII redactor (is a lower-case candidate a name or a word?) and the vagueness cues (is the word
after "di" or "jalan" a place name or a word?) ask the same question, :func:`is_ordinary_word`.
"""

import re
from functools import cache, lru_cache

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Ordinary Indonesian words, to tell "saya tunggu" / "pak dokumen" / "atas nama ahli waris"
# from a name written in lower case: Sastrawi's dictionary of about 30,000 root words (MIT,
# shipped in the wheel, nothing fetched), and its stemmer for derived forms ("ditunggu",
# "kehadiran", "anakku"). Many given names are also words ("Budi", "Dewi", "Agus", "Fajar");
# those stay names.
GIVEN_NAMES_THAT_ARE_WORDS = frozenset(
    """
    muhammad siti nur sri dewi putri putra wulan ratna rini ani ana indah ayu dian eka tri bagus adi budi agus wahyu
    rudi bayu arif fajar rahmat taufik hidayat hasan ali ilham fatimah salim sari lestari asih rahayu suci murni
    permata mutiara melati mawar kemuning kenanga sekar lili fitri jaya bintang surya candra purnama gita intan mega
    dewa ratu galih satria pandu rama endang ning anis hanif hafiz latif karim rahman rahim aziz amin amir bahri
    jamal kamal malik rasyid salam syukur isa adam hawa maria teguh citra kusuma wijaya cahaya gilang kartika iman
    imam slamet yusuf setia kurnia mulia arjuna indra ari elok pipit maulana tanto permadi titik wisnu dina lila anang
    mada fatah ester ambar tegar yoga anggun kati hana saga peting jamik delta
    """.split()
)
_AFFIXED = re.compile(r"^(?:me|di|ber|ter|ke|pe|se)\w{4,}$|^\w{4,}(?:kan|nya|an|ku|mu|lah)$")


STEM_CACHE_SIZE = 2**14
"""Stems kept between calls. Sastrawi's own stemmer keeps every word it ever stemmed; in a serving process that is
every new word of every report (names among them) for the life of the process, so this one is bounded."""


@cache
def _sastrawi() -> tuple[frozenset[str], Stemmer]:
    words = StemmerFactory().get_words_from_file()
    return frozenset(w for w in words if w), Stemmer(ArrayDictionary(words))


@lru_cache(maxsize=STEM_CACHE_SIZE)
def _stem(word: str) -> str:
    return _sastrawi()[1].stem(word)


def root_words() -> frozenset[str]:
    """Sastrawi's dictionary of Indonesian root words, lower case."""
    return _sastrawi()[0]


def is_ordinary_word(word: str) -> bool:
    """Whether ``word`` is an Indonesian word (a root or a derived form) that is not also a common given name."""
    low = word.lower()
    if low in GIVEN_NAMES_THAT_ARE_WORDS or len(low) < 3:
        return False
    return low in _sastrawi()[0] or is_derived_word(low)


def _colloquial_nasal_roots(word: str) -> tuple[str, ...]:
    """The roots a colloquial nasal-prefixed verb may stand for: "nunggak" (tunggak), "ngurus" (urus,
    kurus), "nyari" (cari, sari)."""
    if word.startswith("ng"):
        return word[2:], "k" + word[2:]
    if word.startswith("ny"):
        return "c" + word[2:], "s" + word[2:]
    if word.startswith("n"):
        return ("t" + word[1:],)
    return ()


def is_derived_word(word: str) -> bool:
    """Whether ``word`` is an affixed form of a root word ("ditunggu", "atasan", "anakku", colloquial
    "daftarin"): names rarely are."""
    low = word.lower()
    if low in GIVEN_NAMES_THAT_ARE_WORDS:
        return False
    words = _sastrawi()[0]
    if low.endswith("in") and len(low) >= 7 and low[:-2] in words:
        return True  # colloquial -in for -kan: "daftarin", "bantuin", "urusin" (a name such as "Paimin" has no root)
    if len(low) >= 6 and any(root in words for root in _colloquial_nasal_roots(low)):
        return True
    if not _AFFIXED.match(low):
        return False
    stem = _stem(low)
    return len(stem) >= 4 and stem != low and stem in words
