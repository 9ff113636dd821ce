"""The rules that find personal names, and whose name each is.

Names are found only where something introduces them ("nama saya", "atas nama", "a.n.", bare "nama", a
title such as "Bu"/"Pak"/"Mas"/"Sdr.", a doctor's title or "Wajib Pajak", a numbered list under a name label
or of full names, a sign-off or a signature, a phone number or NIK right after them, a bracket after a role or
"saya", a hash tag between tagged numbers), then cut at the first stop word
(:mod:`models.privacy.name_reading`). In lower-case writing a candidate made of ordinary Indonesian words
is not taken for a name ("saya tunggu", "pak anakku"), except for given names that are also words ("bu
titik"). Titles and functions without a name ("Pak RT", "Bu Lurah") and the city's top office holders
addressed in their public role ("Pak Eri") are not names to mask; see
``data/annotations/pii_guidelines.md`` for the full rules.

Each name span says whose name its rule reads it to be: ``"self"`` where the writer names themself (an
introducing "saya", "nama saya", a sign-off, a signature, a name after a phone number), else ``"other"``.
Two permissively licensed lists serve as evidence (:mod:`models.name_lists`): a listed given name after
"saya" is the writer's name anywhere in a sentence, and a listed region or village right after a word that
introduces a place is no person. :data:`NAME_PATTERNS` lists the rows in precedence order.
"""

import re
from collections.abc import Iterable

from models.lexicon import GIVEN_NAMES_THAT_ARE_WORDS, is_ordinary_word
from models.name_lists import is_given_name, is_place_name
from models.privacy.name_reading import made_of_words, name_from, word_after
from models.privacy.name_words import (
    AMBIGUOUS_TITLES,
    COMMON_NAME_PARTS,
    DEGREE_SKIP,
    DEGREES,
    ENDERS,
    NOT_A_NAME_SHAPE,
    NOT_PERSON_BEFORE,
    PUBLIC_FIGURES,
    ROLE_SKIP,
    STOP,
    TITLE_ABBREVIATIONS,
    TITLES,
    TOKEN,
    VERB_SHAPE,
    is_possessive,
    is_public_figure,
    is_word_not_name,
    shouting,
    title_cased,
)
from models.privacy.numbers import LANDLINE, PROVINCES, TELEPON, nik_structure_ok
from models.privacy.pattern import PiiPattern, text_before

# "nama saya X", "Nama : X", "Nama pelapor: X", "atas nama X", "a.n. X", "an. X", "bernama X", "nama adalah X",
# "dengan nama X", "namax X"/"namane X" (chat and Javanese for "namanya"), "<person> namanya X",
# optionally followed by a role, also a relative's ("atas nama siswa X", "an KEPALA KELUARGA X",
# "atas nama anak saya X", "atas nama saya X").
_NAME_LABEL = re.compile(
    r"(?i:"
    r"\bnama(?:[ \t]+(?:saya|sya|sy|aku|lengkap|pelapor|pel|pemohon|siswa|siswi|murid|anak|mahasiswa|mhs|ortu|"
    r"orang[ \t]+tua|wali|ibu|ayah|bapak|suami|istri|pasien|warga|pemilik|ketua[ \t]+rt|ketua[ \t]+rw|"
    r"kepala[ \t]+keluarga|penerima|peserta|lansia))?(?:[ \t]*[:=,]|(?<=saya)|(?<=sya)|(?<=sy)|(?<=aku)|(?<=lengkap))"
    r"|\b(?:yang|yg)?[ \t]*bernama|\bdengan[ \t]+nama|\batas[ \t]+nm?a?ma|\bnama(?:nya)?[ \t]+(?:adalah|ialah)"
    r"|(?:\bnama(?:x|ne)|\b(?:anak|adik|suami|istri|isteri|orang|petugas|pegawai|staf|rt|rw|pak|bu|mas|mbak)"
    r"(?:nya)?[ \t]+namanya)\b(?![ \t]*[.,\r\n])"
    r"|\ba[ \t]*[./][ \t]*n\b\.?|(?<![-\"'`\d])\ban(?:\.|[ \t]*/|[ \t]*:(?=[ \t]*[A-Za-z])|(?=[ \t]+[A-Za-z]))"
    r")"
    r"[ \t:.,(\n\r\"'`“‘]{0,8}"  # a quote may open the name: bernama "Budi"
    r"(?:(?i:saya|sy|siswa|siswi|pelapor|pemohon|pasien|warga|anak|ank|ibu|bapak|bpk|bu|pak|sdr|sdri|almarhum|alm|almh|"
    r"suami|istri|isteri|ayah|adik|kakak|cucu|kepala[ \t]+keluarga|kepala[ \t]+rumah[ \t]+tangga|kk|pbb|pelanggan|"
    r"(?:putri|putra)(?=[ \t]+(?:saya|sy|kami)\b))"  # "putri saya" is a daughter, "Putri" alone a name
    r"\.?(?:[ \t]+(?i:saya|sy|kami))?(?:[ \t:]|\r?\n){1,6})?"  # the role may end its line: "Atas Nama Anak\nBudi"
)


def _label_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    degree = DEGREE_SKIP.match(text, match.end())  # "yang bernama Dra. Siti"
    pos = degree.end() if degree else match.end()
    span = name_from(text, pos, need_boundary="label")
    if not span and _starts_with_listed_given_name(text, pos):
        span = name_from(text, pos, need_boundary="stop", max_tokens=4)  # "atas nama rina susanti kok ..."
    if not span:
        span = _full_name_before_particle(text, pos)
    if span:
        yield from _with_second_name(text, _with_lowercase_tail(text, span), need_boundary="stop")


def _full_name_before_particle(text: str, pos: int) -> tuple[int, int] | None:
    """After a label, a lower-case name of two or more words that are none of them ordinary words, before a
    particle or pronoun ("atas nama <three names> kok saya ..."): a full name even where a word of it looks
    like a clipped word."""
    span = name_from(text, pos, need_boundary="stop", max_tokens=4)
    if not span:
        return None
    words = text[span[0] : span[1]].split()
    if len(words) < 2 or any(is_word_not_name(w) or w.lower() in STOP for w in words):
        return None
    return span if word_after(text, span[1]).lower() in _PARTICLES_AFTER_A_NAME else None


_PARTICLES_AFTER_A_NAME = frozenset("saya sy kok ini itu yang yg tidak tdk belum blm sudah sdh".split())


def _starts_with_listed_given_name(text: str, pos: int) -> bool:
    """Whether the word at ``pos`` (after blanks) is a listed given name that is not also an ordinary word."""
    word = word_after(text, pos)
    return bool(word) and is_given_name(word) and not is_word_not_name(word)


# Lower-case words closing a capitalised name up to punctuation or the line end: "bernama Azzam
# Zulfikar bintang ramadan." (a given name that is also a word is written in lower case).
_LOWERCASE_TAIL = re.compile(r"(?:[ \t]+[a-z][a-z']*){1,3}(?=[ \t]*(?:[.,;!?()\r\n]|$))")


def _with_lowercase_tail(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` extended over a :data:`_LOWERCASE_TAIL` of ordinary-looking words after a capitalised name."""
    tail = _LOWERCASE_TAIL.match(text, span[1])
    if not tail or not text[span[0]].isupper() or len(text[span[0] : tail.end()].split()) > 5:
        return span
    if any(
        w in STOP or w in ENDERS or w in DEGREES or VERB_SHAPE.match(w) or NOT_A_NAME_SHAPE.match(w)
        for w in tail.group().split()
    ):
        return span
    return span[0], tail.end()


# "bernama SITI DAN RINA", "Budi & Siti": a second name; "atas nama RINA menjadi RINAH": a corrected
# name; "a/n Siti alias Lanny": another name of the same person.
_SECOND_NAME = re.compile(r"(?i)(?:[ \t]+(?:dan|menjadi|mjd|alias|als)[ \t:]+|[ \t]*&[ \t]*)")


def _with_second_name(text: str, span: tuple[int, int], **name_options) -> Iterable[tuple[int, int]]:
    """``span``, and the name joined to it by :data:`_SECOND_NAME`, read with :func:`name_from`'s ``name_options``."""
    yield span
    more = _SECOND_NAME.match(text, span[1])
    if more:
        second = name_from(text, more.end(), **name_options)
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
        span = name_from(text, match.end(), need_boundary=True, max_tokens=3)
        if span and _ends_its_line(text, span[1]):
            yield span
        return
    span = name_from(text, match.end(), need_cap=True, need_boundary="stop", max_tokens=4)
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
        span = name_from(text, item.end(), max_tokens=3)
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
    old = name_from(text, match.end(), max_tokens=4)
    more = old and re.compile(r"(?i)[ \t]+(?:menjadi|mjd|jadi|ke)[ \t:]+").match(text, old[1])
    if old and more:
        new = name_from(text, more.end(), need_boundary=True, max_tokens=4)
        if new:
            yield old
            yield new


# A form field: "Nama : Budi Santoso", "1.Nama.   :. Budi", "Nama ibu kandung :\nSITI ROHMAWATI",
# "Nama anak saya : ...", "Nama(cucu saya ...) : ...", "Nama saya(yg mengajukan) : ...", and a
# "Nama budi santoso" line followed by another field line ("NIK ...", "Alamat ..."). What a
# form field holds is the whole name as written up to the end of its line, comma or bracket,
# even where a word of it is also an ordinary word ("Nama : Kasih", "Dimas Hari Saputro").
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
_NEVER_NAME_WORDS = STOP | PUBLIC_FIGURES | _ORGANISATION_WORDS
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
        if (low in ENDERS and low not in {"bin", "binti"}) or low in DEGREES or low in PUBLIC_FIGURES:
            break
        if (low in STOP and not word[0].isupper()) or (
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
    if tokens[0].islower() and made_of_words(tokens, weak=False):
        return None  # "nama : sesuai ktp"
    return start, end


def _field_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    span = _field_value(text, match.end())
    if span:
        yield span


# A name between a NIK label and the number: "nik citra : 3578...".
_NAME_IN_NIK_LABEL = re.compile(r"(?i:\bnik)[ \t]+(?=[A-Za-z][A-Za-z' ]{1,40}?[ \t]*[:=][ \t]*\d{15,17}(?!\d))")


def _nik_label_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    span = name_from(text, match.end(), max_tokens=4)
    if span and re.match(r"[ \t]*[:=]", text[span[1] :]):
        yield span


# A title before a name: "Bapak Budi", "Bu Siti", "pak RW Slamet", "Sdr. Andi", "H. Rahman", "ibu Dra.Rina".
# A title is followed by a blank; an abbreviated one also by a dot glued to a capitalised name ("p.Hendra", "Bpk.Andi").
_NAME_TITLE = re.compile(
    rf"(?<![A-Za-z])(?:(?:(?i:{TITLES})|(?i:{TITLE_ABBREVIATIONS})\.?|H\.|Hj\.|[Pp]\.)[ \t]+"
    rf"|(?:(?i:{TITLE_ABBREVIATIONS})|[Pp])\.(?=[A-Z][a-z]))"
)


# "warung rawon bu <name>": a stall named for its dish and its keeper names the keeper, as "warung Bu <name>" does
# (guidelines); the dish word alone ("soto Pak <name>") stays a brand.
_STALL_WITH_A_DISH_BEFORE = re.compile(r"(?i:\b(?:warung|warkop)[ \t]+[a-z]+[ \t]+)$")


def _title_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    before = text_before(text, match.start(), 20)
    if NOT_PERSON_BEFORE.search(before) and not _STALL_WITH_A_DISH_BEFORE.search(before):
        return
    pos = match.end()
    for skip in (ROLE_SKIP, DEGREE_SKIP):
        skipped = skip.match(text, pos)
        if skipped:
            pos = skipped.end()
    title = match.group().strip().rstrip(".").lower()
    need_cap = title in {"h", "hj", "p"}
    span = name_from(
        text, pos, need_cap=need_cap, need_boundary="lower", max_tokens=4, weak_words=title in AMBIGUOUS_TITLES
    )
    if span:
        yield span
        return
    # A lower-case given name of the list is a name after a title even where no boundary follows it
    # ("pak agus sesuai jam kerja"), unless it is also an ordinary word; so is a given name that is also a
    # word ("pak bayu sesuai ..."), except after a title that is a word itself ("mas", "kak").
    word = TOKEN.match(text, pos)
    if (
        word
        and not need_cap
        and word.group().islower()
        and _given_name_after_title(word.group(), title)
        and not is_word_not_name(word.group())
        and word.group() not in STOP
        and not is_public_figure(word_after(text, word.end()))  # "ibu <first name> <public figure's surname>"
    ):
        yield word.span()


def _given_name_after_title(word: str, title: str) -> bool:
    return is_given_name(word) or (word in GIVEN_NAMES_THAT_ARE_WORDS and title not in AMBIGUOUS_TITLES)


# "saya X", "perkenalkan saya X", "perkenalan saya X", "saya dengan X", "Saya : X" at the start of a report or a
# sentence, also after a form of address there ("Selamat pagi Bapak/Ibu, saya X", "pak saya X"; but "bapak
# saya" inside a sentence is "my father"): a weak introducer, so the name must end at a
# boundary and not look like a verb. The colon is "saya" written as a form field's label; "Bapak/Ibu yang kami
# hormati" ends a salutation as "Selamat pagi" does.
_NAME_SAYA = re.compile(
    r"(?i:(?:^|(?<=[.,!\n])|\b(?:per)?kenal(?:kan|an)|\bselamat[ \t]+\w+|\bassalamu\w*|\bhalo|\bpermisi|\bsebelumnya"
    r"|\b(?:yang|yg)[ \t]+(?:kami|saya|sy)[ \t]+hormati)"
    r"(?:[ \t,]*(?:bapak|ibu|pak|bu|bpk|mas|mbak|kak)(?:[ \t]*/[ \t]*(?:ibu|bu))?\b\.?)?"
    r"[ \t,]*(?:saya|sy|aku)(?:[ \t]+(?:adalah|dengan|dgn|dg|ini|bernama))?)(?:[ \t,]*:[ \t]*|[ \t,]+)"
)


def _writes_capitals(text: str) -> bool:
    """Whether the writer capitalises sentence starts (then a lower-case word after a weak
    introducer is a word, not a name)."""
    starts = re.findall(r"(?:^|[.!?]\s+|\n\s*)([A-Za-z])", text)
    return len(starts) >= 3 and sum(c.isupper() for c in starts) >= 0.6 * len(starts)


def _weak_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    need_cap = _writes_capitals(text)
    span = name_from(text, match.end(), need_cap=need_cap, need_boundary=True, max_tokens=4)
    if span and not _words_inside_lower_name(text[span[0] : span[1]].split()):
        yield span


def _relative_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    """A relative's name after "anak saya", "suami saya", ...: as after a weak introducer, and also a full name
    that begins with a capital and is followed by the sentence going on ("anak saya Joko prasetyo minta
    akte"): the relation word says a person follows, so a capitalised non-word with a second name is one."""
    found = list(_weak_name_spans(text, match))
    if found:
        yield from found
        return
    span = name_from(text, match.end(), need_cap=True, need_boundary="lower", max_tokens=3, weak_words=True)
    if not span or shouting(text) or title_cased(text):
        return
    words = text[span[0] : span[1]].split()
    if len(words) >= 2 and not any(is_word_not_name(w) for w in words) and not is_place_name(" ".join(words)):
        yield span


def _name_part(word: str) -> bool:
    return is_given_name(word) or word.lower() in COMMON_NAME_PARTS


def _words_inside_lower_name(words: list[str]) -> bool:
    """Whether a lower-case candidate of several words holds an ordinary word after its first: after a bare
    "saya" that is a sentence going on ("sy <verb> <noun> <noun>", "saya <verb> <noun> <noun>"),
    while a lower-case name of several words is names throughout ("saya rina dwi s"), or names that are also
    words ("saya hendra agung")."""
    return (
        len(words) >= 2
        and all(w.islower() for w in words)
        and any(is_word_not_name(w) and not _name_part(w) for w in words[1:])
    )


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
    r"(?:(?i:\b(?:hormat[ \t]+(?:saya|kami)|sall?am(?:[ \t]+(?:saya|kami|hormat|(?:[a-z]+[ \t]+)?(?:dr|dari)))?|"
    r"ttd|pelapor|pemohon|"
    r"(?<![A-Za-z] )dari[ \t]*:|"
    r"penanggung[ \t]+jawab|contact[ \t]+person|cp|tertanda|thanks|thank[ \t]+you|"
    r"terima[ \t]*kasih|terimakasih|trimakasih|trims|makasih|matur[ \t]*(?:nuwun|suwun)|maturnuwun|thx|"
    r"wassalam\w*(?:'\w+)?(?:[ \t]+wr\.?[ \t]*wb\.?)?|(?:best[ \t]+|kind[ \t]+|warm[ \t]+)?regards?|"
    r"bertanda[ \t]+tangan[ \t]+di[ \t]*bawah[ \t]+ini))|\bUp\.)"
    r"(?:[ \t,.:!\-\n\r]|[^\x00-\x7F])+"  # emoji (or their mojibake) may stand between: "Terima kasih 🙏 Budi"
    r"(?:(?i:ketua[ \t]+)?(?i:rt|rw)(?:[ \t.]*\d+)?[ \t,.:\-]*\r?\n[ \t]*)?"  # "Pelapor Ketua RT\nBudi"
    r"(?:(?:H|Hj|Ir|Drs|Dra)\.[ \t]*)?"
    r"(?P<title>(?i:bapak|bpk|bp|pak|ibu|ibuk|bu|sdr|sdri)\.?[ \t]+)?"  # "hormat saya ibu <name>"
)


_NAME_BEFORE_ACRONYM = re.compile(r"([A-Z][a-z']+(?:[ \t]+[A-Z][a-z']+){0,2})[ \t]+(?=[A-Z]{3,}\b)")


# "... info dari kami Budi LPMK Kel. ...": the writer signing for their community organisation, whose acronym follows.
_NAME_FROM_US = re.compile(r"(?i:\bdari[ \t]+kami)[ \t]+(?=" + _NAME_BEFORE_ACRONYM.pattern + ")")


def _name_from_us_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    before_acronym = _NAME_BEFORE_ACRONYM.match(text, match.end())
    words = before_acronym.group(1).split() if before_acronym else []
    # "dari kami Karang Taruna LPMK": ordinary words name a group, not its writer
    if words and not any(is_word_not_name(w) and not is_given_name(w) for w in words):
        yield before_acronym.span(1)


def _signoff_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    # A name in lower case is taken where a title stands before it ("hormat saya ibu siti.") or where it
    # ends its line and is no ordinary word ("salam\nsiti", but not "salam sejahtera").
    span = name_from(text, match.end(), need_cap=not match.group("title"), need_boundary=True, max_tokens=4)
    if not span and not text[match.end() : match.end() + 1].isupper():
        span = name_from(text, match.end(), need_boundary=True, weak_words=True, max_tokens=3)
        if span and not _ends_its_line(text, span[1]):
            span = None
    if span and _is_heading(text, *span):
        return  # "Terima kasih\nLokasi : ...", "Terima kasih\nContact Person\n..."
    sender = re.search(r"(?i)\b(?:dr|dari)\W*$", match.group())  # "Salam dari Wulan": a sender
    if not span and sender:
        # "salam dari Budi LPMK Kel. ...": a sender's name before the acronym of their community organisation
        before_acronym = _NAME_BEFORE_ACRONYM.match(text, match.end())
        span = before_acronym.span(1) if before_acronym else None
    if span and not sender and _closing_words(text[span[0] : span[1]].split()):
        return  # "Salam Hangat", "Terima kasih. Salam Sejahtera"
    if span:
        yield from _with_second_name(text, span, need_cap=True, need_boundary=True, max_tokens=4)


def _closing_words(words: list[str]) -> bool:
    """Whether capitalised words after a closing are ordinary words, none a listed given name: the closing
    going on ("Salam Hangat"), not a signature."""
    return all(is_word_not_name(w) and not is_given_name(w) for w in words)


_CONTACT_WORDS = frozenset("contact contak kontak person cp".split())


def _is_heading(text: str, start: int, end: int) -> bool:
    """Whether the words at ``start:end`` head a field ("Lokasi :") or name a contact line ("Contact Person"),
    rather than a person: ordinary or contact words followed by a colon, or contact words."""
    words = [w.rstrip(".").lower() for w in text[start:end].split()]
    if any(w in _CONTACT_WORDS for w in words):
        return True
    return re.match(r"[ \t]*:", text[end:]) is not None and all(is_ordinary_word(w) for w in words)


# A phone word between a name and its number: "Budi Santoso, telp/WA 0812...", "( Budi HP: 0812...".
_PHONE_LABEL_BETWEEN = (
    r"[ \t,]*\(?[ \t]*(?i:telp|tlp|telepon|hp|wa|whatsapp|no\.?[ \t]*(?:hp|telp|wa))"
    r"(?:[ \t]*/[ \t]*(?i:telp|tlp|hp|wa))?[ \t.:]*"
)
# A name right before a phone number or a NIK: "Budi Santoso 0812...", "Hendra - 0878...",
# "ANDI SETIAWAN\n(0896...)", "Joko/ 0821...", "Wati nik:3578...", "Hadi Santoso dengan NIK",
# "Rina Wati (NIK. 3578...)", a name alone on the line above a bare 16-digit NIK, and a list
# line "Budi Santoso - 3578..." (a number of 14-17 digits with a province code: a NIK, maybe mistyped).
_NAME_BEFORE_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])((?:[A-Za-z][A-Za-z']*\.?[ \t]){0,3}[A-Za-z][A-Za-z']*)"
    r"(?=[ \t]*(?:[-:/(,]|\r?\n)?[ \t]*\r?\n?[ \t]*\(?(?:\+62|62|0)\d"
    rf"|{_PHONE_LABEL_BETWEEN}(?:\+62|62|0)\d"
    r"|[ \t,]*\(?[ \t]*(?:(?:dengan|dg|dgn)[ \t]+)?(?i:nik)\b[ \t:.;]*\d"
    r"|[ \t]*\r?\n[ \t]*\d{16}(?!\d)"
    r"|(?<!(?i:nik))(?<!(?i:kk))(?<!(?i:ktp))(?<!(?i:no))(?<!(?i:nomor))(?<!(?i:nomer))[ \t]+\d{16}(?!\d)"
    r"|(?<!(?i:nik))(?<!(?i:kk))(?<!(?i:ktp))[ \t]*[-:][ \t]*\d{14,17}(?!\d))"  # not "nik: 3578..." itself
)
_NIK_AFTER_NAME = re.compile(r"[ \t,]*\(?[ \t]*(?:(?:dengan|dg|dgn)[ \t]+)?(?i:nik)\b")
_NIK_ON_NEXT_LINE = re.compile(r"[ \t]*\r?\n[ \t]*(\d{16})(?!\d)")
_NIK_ON_SAME_LINE = re.compile(r"[ \t]+(\d{16})(?!\d)")
_NIK_AFTER_DASH = re.compile(r"[ \t]*[-:][ \t]*(\d{14,17})(?!\d)")
# A phone word right before a name and its number: "WhatsApp budi 0812...": then a lower-case name counts.
_PHONE_WORD_BEFORE = re.compile(
    r"(?i:\b(?:wa|whatsapp|hp|telp|tlp|telepon|hubungi|kontak|cp|contact[ \t]+person)\b)[ \t:.]*$"
)


def _before_number_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    s, e = match.span(1)
    after = text[e : e + 40]
    next_line_nik = _NIK_ON_NEXT_LINE.match(after)
    same_line_nik = _NIK_ON_SAME_LINE.match(after)
    dashed_nik = _NIK_AFTER_DASH.match(after)
    if dashed_nik and int(dashed_nik.group(1)[:2]) not in PROVINCES:
        return
    is_nik = (
        _NIK_AFTER_NAME.match(after) is not None
        or dashed_nik is not None
        or (next_line_nik is not None and nik_structure_ok(next_line_nik.group(1)))
        or (same_line_nik is not None and nik_structure_ok(same_line_nik.group(1)))
    )
    if (next_line_nik or same_line_nik) and not is_nik:
        return
    if same_line_nik and is_place_name(text[s:e].split()[-1]):
        return  # "calon saya Wonogiri 3312...": the place of birth or origin before a bare NIK
    if not is_nik:
        number = re.search(r"[(+0-9]", after)
        at = e + number.start() + (1 if after[number.start()] == "(" else 0)
        if not (TELEPON.match(text, at) or LANDLINE.match(text, at)):
            return  # "Nomor Pelayanan: <dotted number>" is no phone
    words = text[s:e].split()
    kept: list[str] = []
    for word in reversed(words):  # keep what follows the last stop word: "Ketua RT Budi 0812" -> "Budi"
        low = word.lower().rstrip(".")
        initial = not kept and len(low) == 1 and len(words) >= 2  # "( rina k nik 3578...": k is an initial
        if (
            (low in STOP and not initial)
            or low in DEGREES
            or low in PUBLIC_FIGURES
            or (word.islower() and NOT_A_NAME_SHAPE.match(word))
            or is_possessive(word)
        ):
            break
        kept.append(word)
    if not is_nik and not all(w[0].isupper() for w in kept):
        # Before a phone number a name is capitalised ("hubungi Budi 0812"), unless a phone
        # word stands right before it ("WA budi 0812"); otherwise keep the capitalised tail.
        start_of_kept = e - len(" ".join(reversed(kept)))
        after_phone_word = kept and _PHONE_WORD_BEFORE.search(text_before(text, start_of_kept, 25))
        if not after_phone_word or any(w.islower() and is_ordinary_word(w) for w in kept):
            capitalised = []
            for word in kept:
                if not word[0].isupper():
                    break
                capitalised.append(word)
            kept = capitalised
    if not kept or (kept[-1].islower() and made_of_words(kept[::-1], weak=len(kept) == 1)):
        return  # "apakah nik 3578...": a lone lower-case word before a number is a word
    if is_nik and all(is_word_not_name(w.rstrip(".")) for w in kept):
        return  # "Permohonan Konsolidasi NIK 3578...": a capitalised heading before a NIK names no one
    s = e - len(" ".join(reversed(kept)))
    if (next_line_nik or dashed_nik) and not _alone_on_its_line(text, s):
        return  # only a line that holds nothing but the name: "Pengajuan MBR\nEko Purnomo\n3578..."
    if PLACE_BEFORE.search(text_before(text, s, 25)):
        return  # "Kel. Gundih 0821...", "Ketua RW 5 Genteng 0811..." name a place
    if e - s >= 3:
        yield s, e


def _alone_on_its_line(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip()


# A place or an institution right before a word makes it the place's name: "Kel. Gundih", "SDN Sawahan",
# "LPMK Sawahan" (a kelurahan's board) are no persons.
PLACE_BEFORE = re.compile(
    r"(?i:\b(?:kel|kec|kelurahan|kecamatan|desa|kota|kab|kabupaten|jl|jln|jalan|gg|gang|perum|perumahan|rt|rw|"
    r"wilayah|daerah|kampung|" + "|".join(sorted(_ORGANISATION_WORDS)) + r")\.?|\b(?:rt|rw)[ .]?\d+)[ \t/.:]*\Z"
)


# A hash-tagged name between hash-tagged identity or phone numbers: "#3578... #SITI ROHMAWATI #3578... #0812...".
_NAME_BETWEEN_TAGGED_NUMBERS = re.compile(
    r"#[ \t]*\d{9,}[ \t]*#[ \t]*([A-Z][A-Za-z']*(?:[ \t]+[A-Z][A-Za-z']*){0,3})[ \t]*(?=#[ \t]*\d{9,})"
)


def _tagged_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = match.group(1).split()
    if not any(w.lower() in _NEVER_NAME_WORDS for w in words) and not all(is_word_not_name(w) for w in words):
        yield match.span(1)


# A capitalised name after a role that names a person by their name: a doctor or nurse ("dokter Budi", "Dr.
# Siti Rahayu", "dengan Dr Rina"), a taxpayer on a land-tax bill ("Wajib Pajak Budi"). Lower-case "dr" is
# chat writing for "dari" and stays out; "Dr. Soetomo" and the like name hospitals, streets and a kelurahan.
_NAME_AFTER_ROLE = re.compile(
    r"(?<![A-Za-z])(?:(?i:dokter|perawat|wajib[ \t]+pajak)|Dr\.?|dr\.|DR\.)[ \t:]+(?=[A-Z][a-z])"
)
_NAMED_AFTER_A_DOCTOR = frozenset(
    "soetomo sutomo soewandhi soewandhie soewandi suwandi moestopo mustopo ramelan wahidin saiful cipto".split()
)


def _after_role_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    if shouting(text) or NOT_PERSON_BEFORE.search(text_before(text, match.start(), 20)):
        return
    if PLACE_BEFORE.search(text_before(text, match.start(), 25)):
        return  # "Kel. Dr. Soetomo"
    span = name_from(text, match.end(), need_cap=True, need_boundary="lower", max_tokens=3)
    if not span:
        return
    words = text[span[0] : span[1]].split()
    if words[0].lower() in _NAMED_AFTER_A_DOCTOR or is_place_name(text[span[0] : span[1]]):
        return
    if all(is_word_not_name(w) for w in words):
        return  # "dokter Spesialis", "Dr. Tersebut"
    yield span


# "Saya Ketua RT 05 <Name>", "saya selaku ketua RW 3 <Name>": the writer giving their office and then their name,
# where the name begins with a listed given name (a kampung's name often follows "RT 05").
_NAME_SAYA_ROLE = re.compile(
    r"(?i:(?<![A-Za-z])(?:saya|sy)(?:[ \t]+(?:selaku|sebagai))?[ \t]+(?:ketua|sekretaris|bendahara)[ \t]+(?:rt|rw)\.?"
    r"[ \t]*\d+(?:[ \t]*/[ \t]*(?:rw\.?[ \t]*)?\d+)?)[ \t,:]+(?=[A-Z][a-z])"
)


def _capitalised_name_after(
    text: str, match: re.Match[str], need_boundary: bool | str, max_tokens: int
) -> tuple[int, int] | None:
    """The capitalised name right after an introducing ``match`` that names no listed place, where capitals mean
    something (the text is neither shouted nor title-cased); callers judge its words."""
    if shouting(text) or title_cased(text):
        return None
    span = name_from(text, match.end(), need_cap=True, need_boundary=need_boundary, max_tokens=max_tokens)
    return None if span is None or is_place_name(text[span[0] : span[1]]) else span


def _name_after_own_role_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    span = _capitalised_name_after(text, match, need_boundary=True, max_tokens=4)
    if span and is_given_name(text[span[0] : span[1]].split()[0]):
        yield span  # a listed given name first: after "RT 05" a kampung's or an estate's name is as likely


# "saya siswa <Name>", "saya mahasiswi <Name>": a student introducing themself (guidelines), where a capitalised
# word that is no ordinary word follows ("saya siswa Kelas 9", "saya mahasiswa Universitas ..." are no names).
_NAME_SAYA_STUDENT = re.compile(
    r"(?i:(?<![A-Za-z])(?:saya|sy|aku)[ \t]+(?:siswa|siswi|mahasiswa|mahasiswi|murid|pelajar))[ \t]+(?=[A-Z][a-z])"
)
# "Selamat malam, dengan <Name> di ...": the writer greeting and giving their name as on the phone ("this is
# <Name>"); "Selamat siang dengan Dinas ..." (an office) and "dengan hormat" are no names.
_NAME_GREETING_DENGAN = re.compile(
    r"(?i:\bselamat[ \t]+(?:pagi|siang|sore|malam)|\bassalamu\w*|\bhall?o)"
    r"[ \t,.!]*(?i:dengan|dgn|dg)[ \t]+(?=[A-Z][a-z])"
)


def _introduced_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    span = _capitalised_name_after(text, match, need_boundary="stop", max_tokens=4)
    if span and not is_word_not_name(text[span[0] : span[1]].split()[0]):
        yield span


# "Saya dr <Name>" at a sentence start: a doctor introducing themself. Elsewhere lower-case "dr" is chat writing
# for "dari" ("saya dr Rungkut", "saya dr Dinas ..."), so a listed place or a capitalised ordinary word after it is
# no name, and the name must end at a boundary.
_NAME_SAYA_DOCTOR = re.compile(r"(?:^|(?<=[.,!\n]))[ \t]*(?i:saya|sy|aku)[ \t]+(?i:dr)\.?[ \t]+(?=[A-Z][a-z])")


def _doctor_introduction_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    span = _capitalised_name_after(text, match, need_boundary=True, max_tokens=3)
    if span and not any(is_word_not_name(w) for w in text[span[0] : span[1]].split()):
        yield span


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
    r"(?i:(?<![A-Za-z])(?:saya|sy|aku)(?:[ \t]+(?:adalah|dengan|dgn|dg|bernama|ini|pelapor|dari))?)"
    r"[ \t,\-]+(?=[A-Za-z])"
)
_FAMILY_WORDS = (
    r"suami|istri|isteri|anak|ank|adik|adek|kakak|kaka|cucu|keponakan|ponakan|ayah|mertua|putra|putri|"
    r"menantu|ipar|teman|tetangga|mbah|nenek|kakek|papa|mama|tante|orang[ \t]+tua|ortu|keluarga"
)
_RELATIVE_BEFORE = re.compile(rf"(?i:\b(?:{_FAMILY_WORDS}|bapak|bpk|ibu|ibuk|bu|pak|om))[ \t]*$")
# "Bapak/Ibu saya ...", "Salam kenal Pak, saya ...": the reader addressed before the writer introduces themself,
# not "my father" or "my mother".
_ADDRESSED_BEFORE = re.compile(
    r"(?i:\b(?:bapak|bpk|pak)[ \t]*/[ \t]*(?:ibu|ibuk|bu)|"
    r"\b(?:kenal|pagi|siang|sore|malam|yth|terhormat|permisi)[ \t]+(?:bapak|bpk|pak|ibu|ibuk|bu))[ \t,.]*$"
)


# Words that may stand right before an introducing "saya" ("mohon maaf saya ...", "perkenalkan saya ...").
_BEFORE_INTRODUCTION = frozenset(
    "maaf ini perkenalkan perkenalan kenalkan pagi siang sore malam hormat permisi halo assalamualaikum wb wr "
    "dengan dgn dg disini sini sebelumnya".split()
)


# Documents and accounts a writer holds, written as acronyms: "di PBB saya <word>" is "on my land-tax bill".
_OWN_DOCUMENTS = frozenset("ktp kk pbb sppt npwp bpjs kis kip sim stnk bpkb shm akta".split())


def _after_own_document(text: str, start: int) -> bool:
    """Whether the "saya" at ``start`` follows a document's acronym ("PBB saya", "KTP saya": my ...)."""
    before = re.search(r"\b([A-Za-z]+)[ \t]+\Z", text_before(text, start, 20))
    return before is not None and before.group(1).lower() in _OWN_DOCUMENTS


def _possessive_saya(text: str, start: int) -> bool:
    """Whether the "saya" at ``start`` follows a noun on its line ("rumah saya", "Domisili saya": my ...); a
    capitalised word counts only at a sentence start ("Dinas Bina Marga, saya ..." names an office)."""
    before = re.search(r"(?:^|([.!?\n]|[A-Za-z])?[ \t]*)\b([A-Za-z]+)[ \t]+\Z", text_before(text, start, 40))
    if not before:
        return False
    written, word = before.group(2), before.group(2).lower()
    sentence_start = before.group(1) is None or not before.group(1).isalpha()
    return (
        (written.islower() or (written.istitle() and sentence_start))
        and word not in _BEFORE_INTRODUCTION
        and not VERB_SHAPE.match(word)
        and (is_ordinary_word(word) or word in STOP)
    )


def _speaking_as(text: str, match: re.Match[str], word: str) -> bool:
    """Whether "saya dengan <word>" introduces the writer as on the phone ("maaf saya dengan rina aprilia"): a
    lower-case word that is no ordinary, verb-shaped or chat word; "saya dengan sabar", "saya dengan alasan ...",
    "saya dengan BKN" are manners, reasons and offices."""
    return (
        re.search(r"(?i)\b(?:dengan|dgn|dg)[ \t,\-]*$", match.group()) is not None
        and word.islower()
        and len(word) >= 3
        and not is_word_not_name(word)
        and not NOT_A_NAME_SHAPE.match(word)
        and word not in STOP
    )


# "saya <two or three lower-case words> warga ...": the writer giving their name and then where they live or what
# they are, on the same line or the next ("Saya <name>\nWarga ...", "saya <name> alumni ..."). Two words at least,
# none an ordinary, chat, stop or verb-shaped word: one word there is as often a typo of a word ("saya dalah warga").
# The same name written in capitals ("saya <NAME> warga ...") where the text is not shouted throughout.
_OWN_ROLE_AFTER_NAME = r"(?:[ \t]+|[ \t]*\r?\n[ \t]*)(?i:warga|alumni|siswa|siswi|mahasiswa|mahasiswi|profesi)\b"
_LOWER_NAME_BEFORE_OWN_ROLE = re.compile(r"((?:[a-z][a-z']{2,}[ \t]+){1,2}[a-z][a-z']{2,})" + _OWN_ROLE_AFTER_NAME)
_CAPITALS_NAME_BEFORE_OWN_ROLE = re.compile(r"((?:[A-Z][A-Z']{2,}[ \t]+){0,2}[A-Z][A-Z']{2,})" + _OWN_ROLE_AFTER_NAME)


def _name_before_own_role(text: str, match: re.Match[str]) -> tuple[int, int] | None:
    """The name right after this "saya" when a word of the writer's own standing follows it (see above)."""
    run = _LOWER_NAME_BEFORE_OWN_ROLE.match(text, match.end())
    if run is None and not shouting(text):
        run = _CAPITALS_NAME_BEFORE_OWN_ROLE.match(text, match.end())
    if run is None or any(
        is_word_not_name(w) or w in STOP or VERB_SHAPE.match(w) or NOT_A_NAME_SHAPE.match(w)
        for w in run.group(1).lower().split()
    ):
        return None
    return run.span(1)


def _listed_name_after_saya_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    first = TOKEN.match(text, match.end())
    addressed = _ADDRESSED_BEFORE.search(text_before(text, match.start(), 30))
    if not first or (_RELATIVE_BEFORE.search(text_before(text, match.start(), 20)) and not addressed):
        return
    # A word of the writer's own standing after the name says whose it is, whatever stands before "saya".
    before_own_role = _name_before_own_role(text, match)
    if before_own_role is not None:
        yield before_own_role
        return
    if _possessive_saya(text, match.start()) and not addressed:
        return
    word = first.group()
    if is_given_name(word):
        if word.islower() and is_word_not_name(word):
            return
    elif not (
        word[0].isupper()
        and word[1:].islower()
        and not shouting(text)
        and not title_cased(text)
        and not is_word_not_name(word)
    ) and not _speaking_as(text, match, word):
        return
    span = name_from(text, match.end(), need_boundary="stop", max_tokens=4)
    if not span or not (is_given_name(word) or not is_place_name(text[span[0] : span[1]])):
        return
    if (
        not is_given_name(word)
        and _after_own_document(text, match.start())
        and len(text[span[0] : span[1]].split()) < 2
    ):
        return  # "di PBB saya Object ...": one capitalised word after "my <document>" is a term, even English
    yield span


# A signature: a line holding only a capitalised name, followed by a line about the person
# ("Budi Santoso\nWarga Wonosari RT 4", "Siti\nKetua RT 02", "Andi\nEmail: ...", "Rina K\nKaryawan swasta") or by the
# role in brackets ("Budi Santoso (Ketua RT 4)").
_NAME_SIGNATURE = re.compile(
    r"(?:^|\n)[ \t]*((?:[A-Z][A-Za-z']*\.?[ \t]){0,3}[A-Z][A-Za-z']*)"
    r"(?:[ \t,]*\r?\n[ \t]*"
    r"(?=(?i:warga|ketua|rt\b|rw\b|jl\b|jln\b|jalan|alamat|email|e-mail|hp\b|wa\b|telp|no\.?[ \t]*(?:hp|telp|wa)|"
    r"perum|pengurus|koordinator|pelapor|pemilik|penghuni|pengelola|pekerja|karyawan|karyawati|staf|staff|pegawai))"
    r"|[ \t]*\([ \t]*(?=(?i:ketua|rt\b|rw\b|pengurus|koordinator|pelapor|warga)))"
)
# The same in lower case, only before the role in brackets ("...perhatiannya.\nbudi (ketua RT 3)").
_NAME_SIGNATURE_LOWER = re.compile(
    r"(?:^|\n)[ \t]*([a-z][a-z']*(?:[ \t][a-z][a-z']*){0,2})[ \t]*\([ \t]*(?=(?i:ketua|rt\b|rw\b|pengurus|koordinator))"
)


def _lower_signature_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = match.group(1).split()
    if not any(w in _NEVER_NAME_WORDS for w in words) and not made_of_words(words, weak=len(words) == 1):
        yield match.span(1)


def _signature_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = match.group(1).split()
    if len(words) >= 2 and len(words[-1].rstrip(".")) == 1:
        words = words[:-1]  # a last initial ("Budi Santoso K") is no stop word ("k" for "ke")
    if all(w.lower().rstrip(".") not in STOP and w.lower() not in PUBLIC_FIGURES for w in words):
        yield match.span(1)


# A signature in brackets: a line holding only a name in parentheses, as under a letter's signature
# ("Hormat kami,\n\n(Budi Santoso)"): capitalised, no stop word, not all ordinary words.
_NAME_BRACKETED_LINE = re.compile(
    r"(?:^|\n)[ \t]*\([ \t]*([A-Z][A-Za-z']*\.?(?:[ \t][A-Za-z][A-Za-z']*\.?){0,3})[ \t]*\)[ \t.]*(?=\r?\n|$)"
)


def _bracketed_line_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = [w.rstrip(".") for w in match.group(1).split()]
    if any(w.lower() in _NEVER_NAME_WORDS or w.lower() in DEGREES for w in words) or shouting(match.group(1)):
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
    if not (
        closing
        or _ROLE_LINE.match(above)
        or (closing_higher and match.group(1)[0].isupper())
        or _signature_under_a_blank_line(text, match)
    ):
        return
    lower = match.group(1)[0].islower()
    if lower and not closing:
        return
    span = name_from(text, match.start(1), need_cap=not lower, need_boundary=True, max_tokens=4)
    if span and _ends_its_line(text, span[1]) and not PLACE_BEFORE.search(text_before(text, span[0], 25)):
        words = text[span[0] : span[1]].split()
        if lower or not made_of_words(words, weak=len(words) == 1):
            yield span


def _signature_under_a_blank_line(text: str, match: re.Match[str]) -> bool:
    """Whether the last line, set off by a blank line, is a capitalised full name that begins with a listed
    given name ("...\n\nAgus Susilo"): a signature with no closing above it. Two to four words of three
    letters or more, none but the first an ordinary word, so closings ("Terima Kasih") and labels ("Titik
    C") stay."""
    words = match.group(1).split()
    blank_above = re.search(r"\n[ \t]*\n[ \t]*\Z", text[: match.start() + 1]) is not None
    return (
        blank_above
        and 2 <= len(words) <= 4
        and all(len(w) >= 3 and w[0].isupper() for w in words)
        and is_given_name(words[0])
        and not any(is_word_not_name(w) or w.lower() in STOP for w in words[1:])
        and not is_place_name(match.group(1))
    )


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
        if low in _NEVER_NAME_WORDS or low in DEGREES:
            break
        kept.append(word)
    if not kept or PLACE_BEFORE.search(text_before(text, s, 25)) or NOT_PERSON_BEFORE.search(text_before(text, s, 20)):
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
    digits = re.search(r"(?:\+?\d[\d .\-]{7,}\d)$", text_before(text, pos, 25))
    return digits is not None and len(re.sub(r"\D", "", digits.group())) >= 9


def _after_phone_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    words = match.group(1).split()
    if _phone_ends_at(text, match.start()) and all(
        w.lower() not in STOP and w.lower() not in PUBLIC_FIGURES for w in words
    ):
        yield match.span(1)


# A name written after the phone number at the end of a line or of the text: "WA 0812...\nbudi
# santoso.", "0812... yuni astuti". Held to the weak-introducer checks (not an ordinary word,
# not verb-shaped), and nothing but punctuation may follow it on its line.
_NAME_AFTER_PHONE_LINE = re.compile(r"(?<=\d)[ \t]*(?:\r?\n[ \t]*)?(?=[A-Za-z])")


def _after_phone_line_name_spans(text: str, match: re.Match[str]) -> Iterable[tuple[int, int]]:
    if not _phone_ends_at(text, match.start()):
        return
    span = name_from(text, match.end(), need_boundary=True, max_tokens=3)
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
    if any(w.lower() in STOP or w.lower() in PUBLIC_FIGURES for w in words):
        return
    if words[0].islower() and made_of_words(words, weak=False):
        return  # "tsb (lihat foto)"
    yield match.span(group)


# --------------------------------------------------------------------------- whose name

# A name label or a title the writer puts before their own name: "nama saya", "nama pelapor :",
# "atas nama saya", "saya Ibu ...". Read on the label's own words (the match), so "nama anak saya :"
# names the child: a relative's or a pupil's word in the label makes it another person's.
_SELF_LABEL = re.compile(
    r"(?i)^[^a-z]*(?:\w+[ \t]+)?nama[ \t./]*(?:saya|sya|sy|aku|lengkap|pel|pelapor|pengadu|pemohon)\b"
)
_OWN_LABEL = re.compile(
    r"(?i)\b(?:atas[ \t]+nama|a[ \t]*[./][ \t]*n|an)\b[ \t.:/]*(?:saya|sy)\b|^[ \t\n]*(?:pelapor|pemohon)\b"
)
_SELF_BEFORE_TITLE = re.compile(r"(?i)\b(?:saya|sy|aku)(?:[ \t]+(?:adalah|dengan|dgn|dg|ini))?[ \t,]*$")


# "saya atas nama X", "saya dengan atas nama X", "tempat tinggal saya a/n X": the writer giving the name they go
# by; "anak saya atas nama X", "warga saya an. X" name a relative or someone the writer speaks for.
_SAYA_BEFORE_OWN_LABEL = re.compile(r"(?i)(?<![A-Za-z])(?:saya|sy|aku)(?:[ \t]+(?:dengan|dgn|dg|ber))?[ \t,]*\Z")
_SPOKEN_FOR_BEFORE = re.compile(r"(?i:\b(?:saudara|sdr|warga|rekan|kawan|sahabat|pacar))[ \t]*\Z")


def _writer_before_own_label(text: str, match: re.Match[str]) -> bool:
    """Whether "saya" stands right before an "atas nama"/"a.n." label, and no relative or other person before it."""
    if not re.match(r"(?i)atas|a[ \t]*[./]|an\b", match.group()):
        return False
    saya = _SAYA_BEFORE_OWN_LABEL.search(text_before(text, match.start(), 20))
    if not saya:
        return False
    before = text_before(text, match.start() - len(saya.group()), 20)
    return not (_RELATIVE_BEFORE.search(before) or _SPOKEN_FOR_BEFORE.search(before))


def _label_owner(text: str, match: re.Match[str]) -> str:
    label = match.group()
    own = _SELF_LABEL.search(label) or _OWN_LABEL.search(label) or _writer_before_own_label(text, match)
    return "self" if own else "other"


# Relatives and people near the writer before "saya" ("mertua saya bpk ..."); not the forms of address, since
# "assalamualaikum pak saya bu <name>" addresses the reader before the writer's introduction.
_FAMILY_BEFORE = re.compile(rf"(?i:\b(?:{_FAMILY_WORDS}))[ \t]*$")


_ADDRESS_BEFORE = re.compile(r"(?i:\b(?:bapak|bpk|pak|ibu|ibuk|bu|mas|mbak|kak))[ \t,]*$")


# "Pelapor: Bpk. <name>", "Pemohon Sdr <name>" at a line start: the reporter field, the writer.
_REPORTER_BEFORE_TITLE = re.compile(r"(?im:^[ \t]*(?:pelapor|pemohon)[ \t]*[:=]?[ \t]*)$")


def _titled_signature(text: str, match: re.Match[str]) -> bool:
    """Whether the title begins a short line right under a closing line ("Hormat saya.\nibu <name>."): the writer
    signing with their own title, not someone addressed."""
    line_start = text.rfind("\n", 0, match.start()) + 1
    if text[line_start : match.start()].strip():
        return False
    line_end = text.find("\n", match.end())
    line = text[line_start : len(text) if line_end < 0 else line_end]
    lines_above = [ln for ln in text[:line_start].split("\n") if ln.strip()]
    return len(line.split()) <= 4 and bool(lines_above) and _CLOSING_LINE.match(lines_above[-1]) is not None


def _title_owner(text: str, match: re.Match[str]) -> str:
    """ "saya Pak <name>" is the writer; "mertua saya bpk <name>", "pengalaman saya, Sdr. <name>" are not: a relative
    or a noun before "saya" makes it "my ...", and the title's name someone else's."""
    before = text_before(text, match.start(), 20)
    if _titled_signature(text, match) or _REPORTER_BEFORE_TITLE.search(before):
        return "self"
    saya = _SELF_BEFORE_TITLE.search(before)
    if not saya:
        return "other"
    saya_start = match.start() - len(before) + saya.start()
    before_saya = text_before(text, saya_start, 20)
    if _FAMILY_BEFORE.search(before_saya):
        return "other"
    if _possessive_saya(text, saya_start) and not _ADDRESS_BEFORE.search(before_saya):
        return "other"
    return "self"


# A "Contact Person :" heading (or "narahubung") on the line or a few lines above: the lines under it name the
# people to call on the spot (the RT head, a neighbour), as the annotation has them, not the writer signing.
_CONTACT_HEADING_ABOVE = re.compile(r"(?i)\b(?:contact[ \t]*person|narahubung)\b[^\n]*(?:\n[^\n]*){0,3}\Z")


def _signature_owner(text: str, match: re.Match[str]) -> str:
    heading_up_to_the_name = text[max(0, match.start() - 200) : match.end()]
    return "other" if _CONTACT_HEADING_ABOVE.search(heading_up_to_the_name) else "self"


NAME_PATTERNS: tuple[PiiPattern, ...] = (
    PiiPattern("nama", "[NAMA]", _NAME_CHANGE, _name_change_spans, _label_owner),
    PiiPattern("nama", "[NAMA]", _NAME_FIELD, _field_name_spans, _label_owner),
    PiiPattern("nama", "[NAMA]", _NAME_LABEL, _label_name_spans, _label_owner),
    PiiPattern("nama", "[NAMA]", _NAME_BARE, _bare_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_LIST, _name_list_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_NUMBERED_LINE, _numbered_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_IN_NIK_LABEL, _nik_label_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_TITLE, _title_name_spans, _title_owner),
    PiiPattern("nama", "[NAMA]", _NAME_SIGNOFF, _signoff_name_spans, _signature_owner),
    PiiPattern("nama", "[NAMA]", _NAME_FROM_US, _name_from_us_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_RELATION, _relative_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA, _weak_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA_LISTED, _listed_name_after_saya_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA_DOCTOR, _doctor_introduction_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA_ROLE, _name_after_own_role_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA_STUDENT, _introduced_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_GREETING_DENGAN, _introduced_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_BEFORE_NUMBER, _before_number_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_AFTER_PHONE, _after_phone_name_spans, _signature_owner),
    PiiPattern("nama", "[NAMA]", _NAME_AFTER_PHONE_LINE, _after_phone_line_name_spans, _signature_owner),
    PiiPattern("nama", "[NAMA]", _NAME_REFERENT_PAREN, _referent_paren_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_ROLE_PAREN, _role_paren_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_AFTER_ROLE, _after_role_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_BETWEEN_TAGGED_NUMBERS, _tagged_name_spans, "other"),
    PiiPattern("nama", "[NAMA]", _NAME_SAYA_PAREN, _role_paren_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_SIGNATURE, _signature_name_spans, _signature_owner),
    PiiPattern("nama", "[NAMA]", _NAME_SIGNATURE_LOWER, _lower_signature_name_spans, "self"),
    PiiPattern("nama", "[NAMA]", _NAME_LAST_LINE, _last_line_name_spans, _signature_owner),
    PiiPattern("nama", "[NAMA]", _NAME_BRACKETED_LINE, _bracketed_line_name_spans, _signature_owner),
    PiiPattern("nama", "[NAMA]", _NAME_BEFORE_DEGREE, _before_degree_name_spans, "other"),
)
