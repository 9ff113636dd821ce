"""Rules for the numbers and addresses that identify a person: e-mail, NIK/KK, phone numbers, vehicle plates.

Each is a regex plus, where needed, an ``extract`` function with the structure and context checks (the
NIK's date part, "telp", "nopol"). Ordinary numbers stay intact: RT/RW, house numbers, dates, times,
money ("Rp 150.000"), years, 13-digit BPJS/KIS numbers, 10-digit NISN, the 18-digit NOP of a land-tax bill
and other 15/17/18-digit numbers (unless written right after a "NIK"/"KK" label: a mistyped NIK is still a
NIK; or beginning with a NIK the text gives elsewhere). :data:`NUMBER_PATTERNS` lists the rows in precedence
order: e-mail first (its local part may hold digits), then NIK/KK, phones and plates.
"""

import re
from collections.abc import Iterable

from models.privacy.pattern import PiiPattern, text_after, text_before

# A line break of the text the patterns read (the redactor's view turns the exports' literal "\\n" into one).
_NL = r"\r?\n"

# --------------------------------------------------------------------------- e-mail

_EMAIL = re.compile(
    r"(?<!\\)"  # exports escape newlines as a literal "\n": never start inside one ...
    r"(?:(?<=\\n)|(?<![\w.%+\-]))"  # ... but "\nbudi@x.id" starts at "b"
    r"[\w.%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
)

# --------------------------------------------------------------------------- NIK / KK

# Separators people put between digit groups: one space, dot or dash.
_SEP = r"[ .\-]"

# A 16-digit NIK/KK written as one run or in the usual groupings, one space, dot or dash
# between groups: 16, 4-4-4-4, 2-2-2-6-4 (region.date.serial), 6-6-4, 6-2-2-2-4.
# Only these shapes, so date ranges ("08-03-2024-10-03-2024", also 16 digits) are not
# taken for a NIK. Not preceded or followed by another digit (directly or across one
# separator), so a 15-, 17- or 18-digit number is left alone instead of partly masked.
_NIK_GROUPINGS = ((16,), (4, 4, 4, 4), (2, 2, 2, 6, 4), (6, 6, 4), (6, 2, 2, 2, 4))
_NIK = re.compile(
    rf"(?<!\d)(?<!\d{_SEP})"
    + "(?:"
    + "|".join(_SEP.join(rf"\d{{{n}}}" for n in groups) for groups in _NIK_GROUPINGS)
    + ")"
    + rf"(?!{_SEP}?\d)"
)

# Province codes (first two digits of a NIK/KK). BPS/Kemendagri: 11-19 Sumatra, 21 Kepri,
# 31-36 Java, 51-53 Bali/Nusa Tenggara, 61-65 Kalimantan, 71-76 Sulawesi, 81-82 Maluku,
# 91 and 94 (Papua Barat and Papua as listed by BPS) plus 92, 93, 95, 96: the 2022 Papua
# provinces, whose Dukcapil codes (the ones NIKs are issued under) fill 91..96.
PROVINCES = frozenset(
    (*range(11, 20), 21, *range(31, 37), 51, 52, 53, *range(61, 66), *range(71, 77), 81, 82, *range(91, 97))
)


def nik_structure_ok(digits: str) -> bool:
    """Whether 16 digits look like a NIK: PP RR DD (province, regency, district), then the
    birth date DDMMYY with 40 added to the day for women, then a 4-digit serial.

    A KK number shares the region part and has the card's issue date in the same place,
    without the +40, so most KK numbers pass too (their day 01..31 is a subset).
    """
    if len(digits) != 16 or not digits.isdigit():
        return False
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    day, month, serial = int(digits[6:8]), int(digits[8:10]), int(digits[12:16])
    return (
        province in PROVINCES
        and regency > 0
        and district > 0
        and (1 <= day <= 31 or 41 <= day <= 71)
        and 1 <= month <= 12
        and serial > 0
    )


# Words that say "this number is a NIK/KK (or another identity-card number)".
_NIK_CONTEXT = re.compile(
    r"\b(?:nik|n\.i\.k|kk|ktp|e-?ktp|kartu\s+keluarga|kartu|nomor\s+induk(?:\s+kependudukan)?|kependudukan)\b",
    re.IGNORECASE,
)


def _nik_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    # Structure check first: a valid NIK/KK is masked wherever it stands. A 16-digit number
    # that fails it is still masked when a context word ("NIK", "KK", "kartu keluarga",
    # "KTP", "kartu") stands within a few words before or after it. Why accept those:
    # some real KK numbers do not carry a valid date (month "00" occurs in older KKs), people
    # mistype a digit of their own NIK, and a 16-digit card number (KKS/ATM) next to the
    # word "kartu" is no less sensitive; with such a word the number is an identifier in
    # any case. Without one, a 16-digit number failing the check is some other number
    # (order, bill, transaction) and is left as written.
    digits = re.sub(r"\D", "", match.group())
    if (
        nik_structure_ok(digits)
        or _NIK_CONTEXT.search(text_before(text, match.start(), 40))
        or _NIK_CONTEXT.search(text_after(text, match.end(), 20))
    ):
        yield match.span()


# A number right after a NIK/KK label is a NIK even with 14-21 digits (a missing or extra
# digit is a typo, and up to five digits glued after it still leave the whole NIK readable;
# the number still identifies the person), and in any grouping of its
# digits ("NIK: 3578 011203 850004", "35 78 01 12 03 85 0004"). The label must come right
# before it ("NIK: ", "No. KK ", "nik3578..."), so NOPs and other long numbers are unaffected.
_NIK_LABELLED = re.compile(
    r"(?i:\b(?:nik|no\.?\s*nik|no\.?\s*kk|nomor\s+kk|kk|no\.?\s*ktp|nomor\s+ktp|ktp))"
    rf"(?:[ \t:.=\-]|{_NL}){{0,8}}"
    rf"(?<![\d])(\d(?:{_SEP}?\d){{13,20}})(?!{_SEP}?\d)"
)


# A mistyped NIK in a list of NIKs: a 14-17-digit number that starts with the region code
# (first six digits) of a valid NIK/KK in the same text ("Budi - 35780112038500" under a
# list whose other NIKs read 357801...). Other long numbers (orders, tweets, 18-digit NOPs)
# do not share a resident's region code and stay.
_NIK_SIBLING = re.compile(r"(?<![\d.\-/])\d{14,17}(?!\d|[.\-/]\d)")
_BARE_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


def _sibling_nik_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    regions = {nik[:6] for nik in _BARE_NIK.findall(text) if nik_structure_ok(nik)}
    if match.group()[:6] in regions:
        yield match.span()


# A NIK written with extra digits after it, where the same NIK stands elsewhere in the text: "nik saya semula
# <NIK> malah menjadi <NIK>12345" (a system glued a code to it). The run holds the whole NIK, so it
# is masked whole; other long runs (18-digit NOPs, order numbers) do not begin with a NIK the text gives.
_NIK_WITH_EXTRA_DIGITS = re.compile(r"(?<![\d.\-/])\d{18,21}(?!\d|[.\-/]\d)")


def _nik_with_extra_digits_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    niks = {nik for nik in _BARE_NIK.findall(text) if nik_structure_ok(nik)}
    if match.group()[:16] in niks:
        yield match.span()


# --------------------------------------------------------------------------- phones

# Indonesian phone numbers: +62 / 62 / 0 prefix, then 9-13 digits. Without a "+" only
# mobile numbers count and their "8x" must be written together ("0812", "62 812"), so
# dates and times ("08-03-2024", "08.00") or "62" starting an ordinary number do not match.
# Digit groups may be split by a space, a dot or dash (optionally spaced: " - "), and
# parentheses: "+62 812-3456-7890", "(+62) 812 3456 7890", "6281234567890", "(0812) 3456.7890".
# Toll-free "0800..." lines of public bodies are not mobile numbers and stay.
_PHONE_SEP = r"(?: ?[.\-] ?| )?"
TELEPON = re.compile(
    r"(?<![\d+])"
    r"(?:\(\s?\+\s?62\s?\)|\+\s?62|\(62\)|62(?=[ .\-]?\(?8[1-9])|\(?0(?=8[1-9]))"
    rf"{_PHONE_SEP}\(?"
    rf"\d(?:\)?{_PHONE_SEP}\(?\d){{8,12}}"
    r"(?!\d)"
)

# Landlines: area code 0[2-7,9]x(x) then 5-8 digits in groups of at least 3 ("031 5312144",
# "(031) 531-2144", "0315312144"). Dates ("03-12-2022") have 2-digit groups and do not
# match. Accepted when the area code is in parentheses, is Surabaya's own (031), or a
# phone word stands just before ("telp", "hp", "wa", "hubungi", "kontak", ...).
LANDLINE = re.compile(
    r"(?<![\d+\-./])"
    r"(\(0[2-79]\d{1,2}\)|031|0[2-79]\d{1,2})"
    r"(?:[ .\-]?|\)\s?)"
    r"(\d{3,4}(?:[ .\-]?\d{3,4})?)"
    r"(?![\d])(?![.\-/]\d)"
)
_LOCAL_AREA_CODES = ("031",)
_PHONE_CONTEXT = re.compile(
    r"\b(?:telp|tlp|tlpn|telpon|telepon|telfon|tel|phone|hp|handphone|wa|whatsapp|hub|hubungi|menghubungi|"
    r"kontak|contact|cp|call|fax|no\.?\s*kantor|nomor\s+kantor)\b",
    re.IGNORECASE,
)


def _landline_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    area, subscriber = match.group(1), re.sub(r"\D", "", match.group(2))
    if not 5 <= len(subscriber) <= 8:
        return
    if area.startswith("(") or area in _LOCAL_AREA_CODES or _PHONE_CONTEXT.search(text_before(text, match.start(), 30)):
        yield match.span()


# Any number of 9-13 digits starting with 0 right after a phone word ("Telp: 0911234567",
# "WA 0851...") is a phone number, whatever its operator prefix; groups after the first
# need at least 3 digits, so "hubungi tgl 08-03-2024" stays a date.
_PHONE_LABELLED = re.compile(
    r"(?i:\b(?:telp|tlp|tlpn|telpon|telepon|telfon|hp|handphone|wa|whatsapp|no\.?\s*hp|kontak|contact\s+person|cp))"
    rf"(?:[ \t:.=\-/]|{_NL}){{1,6}}"
    r"(0\d{2,4}(?:[ .\-]\d{3,5}){0,3})(?![\d])"
)


def _labelled_phone_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    if 9 <= len(re.sub(r"\D", "", match.group(1))) <= 13:
        yield match.span(1)


# --------------------------------------------------------------------------- vehicle plates

# Region letters of Indonesian plates (Korlantas): Java, Sumatra, Kalimantan, Sulawesi,
# Bali/Nusa Tenggara, Maluku, Papua. The newest Papua codes (PG/PS/PT/PY) are left out:
# they are rare here and "PS 2 A"-style codes are how Penjaringan Sari residents write their block.
_PLATE_REGIONS = (
    "A B D E F G H K L M N P R S T W Z AA AB AD AE AG BA BB BD BE BG BH BK BL BM BN BP "
    "DA DB DC DD DE DG DH DK DL DM DN DP DR DS DT DW EA EB ED KB KH KT KU PA PB"
).split()
_PLATE_PREFIX = "|".join(sorted(_PLATE_REGIONS, key=len, reverse=True))
_PLATE = re.compile(rf"(?<![A-Za-z0-9])({_PLATE_PREFIX})([ \-.]?)(\d{{1,4}})[ \-.]?([A-Z]{{1,3}})(?![A-Za-z0-9])")
_PLATE_CONTEXT = re.compile(
    r"\b(?:nopol|no\.?\s*pol|bernopol|plat|pelat|nomor\s+polisi|no\.?\s*polisi|tnkb)\b", re.IGNORECASE
)
_PLATE_CONTEXTUAL = re.compile(
    rf"(?i:(?<![A-Za-z0-9])({_PLATE_PREFIX})([ \-.]?)(\d{{1,4}})(?:[ \-.]?([A-Z]{{1,3}}))?)(?![A-Za-z0-9])"
)
# "RT 03", "RW 5", "No 12", "Gg 3", "Jl 10": none of these is a region code, so they never
# match. What does need a guard: house blocks ("Blok DT 7", "Blok L 12 A", "IV/L-12B"), a suffix that
# is really the next word ("DT 7 RT"), and short glued codes ("D2 AZ" vaccine doses, "P3K").
_NOT_PLATE_BEFORE = re.compile(
    r"\b(?:blok|blk|no|nomor|nomer|kav|kavling|gg|gang|jl|jln|jalan|rt|rw|kamar|lantai|lt|ruang|kode|tipe|type|"
    r"unit|tower|kelas|seri)\W{0,3}$|/\s*$",
    re.IGNORECASE,
)
# A vehicle named shortly before "no <plate>" makes "no" the plate's label, not a house number's:
# "bus malam ... no B 1234 XY".
_VEHICLE_BEFORE = re.compile(
    r"(?i:\b(?:bus|bis|mobil|motor|truk|truck|kendaraan|angkot|angkutan|taksi|taxi|pick[ -]?up|ambulans?|travel))\b"
)
_NOT_PLATE_SUFFIX = frozenset("RT RW GG NO JL KM CM MM KG RP PK WIB SD SMP SMA".split())


def _plate_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    glued, digits, suffix = match.group(2) == "", match.group(3), match.group(4)
    if suffix in _NOT_PLATE_SUFFIX or (glued and len(digits) < 3):
        return
    before = text_before(text, match.start(), 25)
    if (
        _NOT_PLATE_BEFORE.search(before)
        and not _PLATE_CONTEXT.search(before)
        and not (suffix and _VEHICLE_BEFORE.search(text_before(text, match.start(), 40)))
    ):
        return
    yield match.span()


def _contextual_plate_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    # After "nopol"/"plat (nomor)"/"nomor polisi" any case and a missing suffix are accepted:
    # "nopol l 1234 ab", "plat B 1234".
    if not _PLATE_CONTEXT.search(text_before(text, match.start(), 25)):
        return
    suffix = (match.group(4) or "").upper()
    if suffix in _NOT_PLATE_SUFFIX or (match.group(2) == "" and len(match.group(3)) < 3 and not suffix):
        return
    end = match.end() if suffix else match.end(3)
    yield match.start(), end


NUMBER_PATTERNS: tuple[PiiPattern, ...] = (
    PiiPattern("email", "[EMAIL]", _EMAIL),
    PiiPattern("nik", "[NIK]", _NIK, _nik_spans),
    PiiPattern("nik", "[NIK]", _NIK_LABELLED, lambda text, m: [m.span(1)]),
    PiiPattern("nik", "[NIK]", _NIK_SIBLING, _sibling_nik_spans),
    PiiPattern("nik", "[NIK]", _NIK_WITH_EXTRA_DIGITS, _nik_with_extra_digits_spans),
    PiiPattern("telepon", "[TELEPON]", TELEPON),
    PiiPattern("telepon", "[TELEPON]", _PHONE_LABELLED, _labelled_phone_spans),
    PiiPattern("telepon", "[TELEPON]", LANDLINE, _landline_spans),
    PiiPattern("plat", "[PLAT]", _PLATE_CONTEXTUAL, _contextual_plate_spans),
    PiiPattern("plat", "[PLAT]", _PLATE, _plate_spans),
)
