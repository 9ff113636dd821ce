"""What a report is about, apart from where it is: its problem words, its place words, its category distribution.

Two reports from one alley share the alley's name, its RT/RW numbers and its landmark, so any whole-text
similarity rates "a dead street light and a blocked drain in Gang Mawar" as close as two reports of the same
light. Here the place is taken out before the problem is compared:

- :func:`split_words` blanks place words (names after a place head such as "Jl.", "Gg.", "RT", "masjid",
  "depan"; words with a digit; capitalised names inside a sentence; the report's kelurahan) and keeps the
  remaining content words as *problem words*, folded onto one concept per problem where citizens use several
  words for it ("pju", "lampu", "penerangan" -> lampu). The blanked names and numbers are the *place words*.
- :func:`category_similarity`: the Bhattacharyya overlap of two reports' predicted category distributions (the
  category model's probabilities, which triage computes anyway), kept as their top labels.

Only hashes of these words reach the index, never the words.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

PROBLEM_WORDS = 24
"""Distinct problem words kept per report (as 32-bit hashes)."""
PLACE_WORDS = 16
"""Distinct place words kept per report."""
CATEGORY_TOP = 5
"""Labels of the predicted category distribution kept per report (the rest of the mass is dropped)."""

# Words that introduce a place: the names after them are the place, not the problem.
PLACE_HEADS = frozenset(
    """
    jl jln jalan gg gang rt rw no nomor nmr blok blk komplek kompleks komp perumahan perum kel kelurahan kec
    kecamatan kampung kp kota desa dusun lingkungan lokasi alamat masjid mesjid musholla mushola musala
    sdn smpn sman smkn sd smp sma smk sekolah pasar halte stasiun terminal pos kantor warung toko apartemen
    rusun rusunawa jembatan pertigaan perempatan simpang bundaran ujung sebelah seberang samping belakang
    depan dekat sekitar wilayah daerah kawasan area taman lapangan gedung puskesmas kantin ruko mall mal
    gereja vihara pura klinik bank spbu pom tol flyover underpass kali sungai kanal waduk setu situ
    """.split()
)

STOP_WORDS = frozenset(
    """
    yang yg dan di ke dari ada ini itu tidak tdk gak ga nggak ngga enggak bgt banget sangat sekali dgn dengan
    untuk utk karena krn karna jadi jd bisa agar supaya mohon tolong segera pak bapak ibu bu min mimin admin
    kak terima kasih makasih trims tks thx warga kami saya kita aku sy kmi sudah sdh udh udah sudh belum blm
    blom sejak hari minggu bulan tahun lalu kemarin kemaren tadi pagi siang sore malam jam menit sampai
    smp sampe hingga masih msh lagi lg juga jg akan mau ingin sering selalu tiap setiap sekarang skrg
    saat waktu kalau kalo klo jika bila apa apakah kapan bagaimana gimana kenapa mengapa tsb tersebut
    para pihak petugas dinas pemprov pemkot pemda suku sudin terkait instansi laporan lapor melapor
    melaporkan dilaporkan tindak lanjut tindaklanjuti ditindaklanjuti ditindak diperbaiki perbaiki
    perbaikan penanganan ditangani tangani dicek cek mengecek ditinjau tinjau respon direspon solusi
    harap berharap diharapkan minta meminta memohon kepada kpd pada pd oleh atas bagi antara tapi tetapi
    tp namun serta atau atau pun sih dong deh nih kok ya iya yaa ok oke sama dah kah pun nya the and
    banyak sedikit semua beberapa satu dua tiga sudah hampir kurang lebih cukup sangat amat terlalu
    sangatlah seminggu sebulan setahun buat bikin biar jam2
    jakarta dki barat timur utara selatan pusat kab kabupaten provinsi
    """.split()
)

# Words of many street and place names ("Jl. Kenanga Raya", "Gg. Mawar Dalam"): they name no place by themselves.
PLACE_GENERIC = frozenset("raya dalam besar kecil lama baru indah permai asri jaya".split())

# Words of many problems ("lampu mati", "air PAM mati", "jalan rusak", "pompa rusak"): sharing one says nothing.
GENERIC_PROBLEM_WORDS = frozenset(
    "rusak mati padam bahaya berbahaya besar parah kecil sudah lama baru kondisi masalah keluhan warga air".split()
)

# One concept per problem where citizens use several words for it (abbreviations, slang, affixed forms).
CONCEPTS: Mapping[str, str] = {
    **dict.fromkeys("pju lampu lampunya penerangan lamp bohlam lampu2 gelap".split(), "lampu"),
    **dict.fromkeys(
        "got selokan saluran drainase gorong gorong2 goronggorong parit mampet tersumbat sumbat buntu".split(),
        "saluran",
    ),
    **dict.fromkeys("lubang berlubang lobang bolong jeglongan aspal aspalnya retak ambles amblas".split(), "lubang"),
    **dict.fromkeys("banjir genangan tergenang menggenang genang rob".split(), "banjir"),
    **dict.fromkeys("sampah sampahnya tps numpuk menumpuk tumpukan bau busuk".split(), "sampah"),
    **dict.fromkeys("pohon dahan ranting rantingnya pohonnya rimbun rindang".split(), "pohon"),
    **dict.fromkeys("parkir parkiran jukir memarkir diparkir markir ngetem mangkal".split(), "parkir"),
    **dict.fromkeys("pkl pedagang jualan berjualan lapak gerobak dagangan".split(), "pedagang"),
    **dict.fromkeys("trotoar pedestrian".split(), "trotoar"),
    **dict.fromkeys("kabel kabelnya menjuntai semrawut".split(), "kabel"),
    **dict.fromkeys("fogging fogin foging nyamuk dbd demam berdarah jentik".split(), "fogging"),
    **dict.fromkeys("pam pdam palyja aetra ledeng keran kran".split(), "pam"),
    **dict.fromkeys("bising berisik kebisingan suara suaranya bunyi musik knalpot".split(), "bising"),
    **dict.fromkeys("toilet wc mck kakus".split(), "toilet"),
    **dict.fromkeys("hewan kucing anjing monyet ular kobra biawak tikus".split(), "hewan"),
    **dict.fromkeys("bangunan imb pbg dibangun membangun".split(), "bangunan"),
}
# Problem kinds that one handling never joins: a report naming only kinds the other does not name is about a
# different problem. A blocked drain is a flood's cause (one kind); the pavement is no kind: it is where vendors
# or parked cars are, and "PKL di trotoar" and "trotoarnya jadi warung tenda" are one problem.
CONCEPT_KIND: Mapping[str, int] = {
    concept: bit
    for bit, concepts in enumerate(
        (
            ("lampu",),
            ("saluran", "banjir"),
            ("lubang",),
            ("sampah",),
            ("pohon",),
            ("parkir",),
            ("pedagang",),
            ("kabel",),
            ("fogging",),
            ("pam",),
            ("bising",),
            ("toilet",),
            ("hewan",),
            ("bangunan",),
        )
    )
    for concept in concepts
}
# Never taken for a place name, even capitalised or after a place head.
PROBLEM_VOCABULARY = frozenset(CONCEPTS) | frozenset(
    "rusak mati padam bocor macet kotor licin rawan bahaya berbahaya air hujan motor mobil truk".split()
)

_TOKEN = re.compile(r"\w+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[.!?\n]\s*$")
# A comma, colon or full stop ends a place name: "Jl. Kenanga, penutup got hilang" names the street, then the problem.
_NAME_END = re.compile(r"[,;:!?()\n]|\.\s")
_NAME_END_AFTER_HEAD = re.compile(r"[,;:!?()\n]")  # "Jl. Kenanga": an abbreviation's full stop ends nothing
_REDUPLICATION = re.compile(r"(?<=[a-z])2$")  # "bolong2", "lampu2": the plural written with a 2
_MAX_NAME_WORDS = 3


def _concept(word: str) -> str:
    if word in CONCEPTS:
        return CONCEPTS[word]
    if word.endswith("nya") and len(word) > 5 and word[:-3] in CONCEPTS:
        return CONCEPTS[word[:-3]]
    return word


def split_words(text: str, kelurahan: str | None = None) -> tuple[list[str], list[str]]:
    """(problem words, place words) of `text`, distinct, in order of appearance, lower-cased.

    Place words: up to three words after a place head and capitalised words that do not start a sentence;
    a number after a place head (gang 3, RT 05, Johar Baru III) is a place word written "#<n>" (leading zeros
    and Roman numerals normalised). Blanked without being place evidence: other words with a digit (40cm, 15
    meter) and the words of `kelurahan` (every report of the kelurahan shares them). Problem words: the other
    words of three or more letters that are no stop word, folded onto :data:`CONCEPTS`.
    """
    text = unicodedata.normalize("NFKC", text)
    kelurahan_words = set(_TOKEN.findall(kelurahan.casefold())) if kelurahan else set()
    problem: dict[str, None] = {}
    place: dict[str, None] = {}
    after_head = 0
    previous_end, previous_head = 0, False
    for match in _TOKEN.finditer(text):
        token = match.group()
        word = _REDUPLICATION.sub("", token.casefold())
        before = text[max(0, match.start() - 3) : match.start()]
        starts_sentence = match.start() == 0 or bool(_SENTENCE_END.search(before))
        if (_NAME_END_AFTER_HEAD if previous_head else _NAME_END).search(text[previous_end : match.start()]):
            after_head = 0
        previous_end, previous_head = match.end(), word in PLACE_HEADS
        if previous_head:
            after_head = _MAX_NAME_WORDS
            continue
        number = _place_number(word) if after_head > 0 else None
        if number is not None:
            place.setdefault(f"#{number}")
            continue
        if _DIGIT.search(word) or word in kelurahan_words:
            continue
        if word in STOP_WORDS:
            after_head = 0
            continue
        if word in PLACE_GENERIC and (after_head > 0 or token[:1].isupper()):
            continue
        named = token[:1].isupper() and not starts_sentence and not token.isupper()
        if word not in PROBLEM_VOCABULARY and (after_head > 0 or named):
            after_head = max(after_head - 1, 0)
            place.setdefault(word)
            continue
        after_head = 0
        if len(word) >= 3 and word not in GENERIC_PROBLEM_WORDS:
            problem.setdefault(_concept(word))
    return list(problem), list(place)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_NUMBER = re.compile(r"^0*(\d+)([a-z]?)$")


def _place_number(word: str) -> str | None:
    """The number a word after a place head gives ("05" -> "5", "12a" -> "12a", "iii" -> "3"), else None."""
    if word in _ROMAN:
        return str(_ROMAN[word])
    match = _NUMBER.match(word)
    return match.group(1) + match.group(2) if match else None


def problem_kinds(problem_words: Iterable[str]) -> int:
    """Bit mask of the :data:`CONCEPT_KIND` kinds the problem words name (0: none named)."""
    mask = 0
    for word in problem_words:
        if word in CONCEPT_KIND:
            mask |= 1 << CONCEPT_KIND[word]
    return mask


# What is wrong with the object, beside what the object is: a dead street light and its pole knocked down, or a
# request for a new light on the same street, are the same kind of problem and three jobs. A bit each.
CONDITION_WORDS: tuple[frozenset[str], ...] = tuple(
    frozenset(words.split())
    for words in (
        "mati padam redup kedip berkedip byarpet",  # not working
        "roboh rubuh tumbang ambruk ambrol patah",  # fallen, broken off
        "pasang dipasang pemasangan dipasangi penambahan pengadaan usulan",  # a new one wanted
        "mampet tersumbat sumbat buntu nyumbat",  # blocked
        "bocor ngucur rembes merembes",  # leaking
        "miring doyong condong pangkas dipangkas pemangkasan tebang ditebang penebangan rimbun rindang",  # at risk
    )
)


def problem_conditions(text: str) -> int:
    """Bit mask of the :data:`CONDITION_WORDS` groups the text names (0: none), read from every word (a
    condition is no place word), plural 2 and "-nya" taken off."""
    mask = 0
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        word = _REDUPLICATION.sub("", token)
        for bit, words in enumerate(CONDITION_WORDS):
            if word in words or (word.endswith("nya") and word[:-3] in words):
                mask |= 1 << bit
    return mask


AREA_CONCEPTS = frozenset({"banjir"})
"""Problems of an area, not of a spot: a flood covers streets around, so its reports are one place farther apart."""


def names_area(problem_words: Iterable[str]) -> bool:
    return any(word in AREA_CONCEPTS for word in problem_words)


def primary_kind(problem_words: Iterable[str]) -> int:
    """1 + the :data:`CONCEPT_KIND` of the first problem the words name (0: none). A report names what it is
    about first; a problem named later is mostly where it is ("sampah di bawah tiang lampu")."""
    return next((CONCEPT_KIND[word] + 1 for word in problem_words if word in CONCEPT_KIND), 0)


NUMBER_BIT = 1 << 31
"""Set in the hash of a place number ("#3"), clear in every other place word's hash."""


def _hashes(words: Iterable[str], size: int) -> np.ndarray:
    hashes = np.zeros(size, dtype=np.uint32)
    for i, word in enumerate(list(dict.fromkeys(words))[:size]):
        digest = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest(), "little")
        digest &= NUMBER_BIT - 1
        hashes[i] = (digest | NUMBER_BIT if word.startswith("#") else digest) or 1
    return hashes


def problem_hashes(words: Sequence[str]) -> np.ndarray:
    """32-bit hashes (never 0) of the first PROBLEM_WORDS problem words, 0-padded."""
    return _hashes(words, PROBLEM_WORDS)


def place_hashes(words: Sequence[str]) -> np.ndarray:
    """32-bit hashes (never 0) of the first PLACE_WORDS place words, 0-padded; NUMBER_BIT marks numbers."""
    return _hashes(words, PLACE_WORDS)


def top_categories(probabilities: Mapping[str, float] | Iterable[tuple[str, float]] | None) -> tuple:
    """The CATEGORY_TOP most probable (label, probability) pairs, most probable first; () when unknown."""
    if probabilities is None:
        return ()
    pairs = probabilities.items() if isinstance(probabilities, Mapping) else probabilities
    ranked = sorted(((str(label), float(p)) for label, p in pairs if p > 0), key=lambda lp: -lp[1])
    return tuple(ranked[:CATEGORY_TOP])


def category_similarity(codes: np.ndarray, probabilities: np.ndarray, query_codes, query_probabilities) -> np.ndarray:
    """Per row: the Bhattacharyya coefficient sum(sqrt(p q)) over the labels both keep (1 = same distribution,
    0 = no label in common); NaN where either side has no distribution (code -1 marks an unused slot)."""
    query_codes = np.asarray(query_codes)
    query_probabilities = np.asarray(query_probabilities, dtype=float)
    known = (codes >= 0).any(axis=1) & bool((query_codes != -1).any())  # -2: a label the index never saw
    matches = (codes[:, :, None] == query_codes[None, None, :]) & (codes[:, :, None] >= 0)
    products = probabilities[:, :, None].astype(float) * query_probabilities[None, None, :]
    overlap = np.sqrt(np.where(matches, products, 0.0)).sum(axis=(1, 2))
    return np.where(known, np.clip(overlap, 0.0, 1.0), np.nan)


def word_overlap(query: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Per row of `candidates`: shared non-zero hashes over those of the side with fewer; NaN if either has none."""
    query = query[query > 0]
    counted = candidates > 0
    shared = (counted & np.isin(candidates, query)).sum(axis=1)
    fewer = np.minimum(counted.sum(axis=1), len(query))
    return np.where(fewer > 0, shared / np.maximum(fewer, 1), np.nan)
