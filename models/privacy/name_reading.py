"""How a name is read from where a rule says one starts: :func:`name_from` takes the words up to the
first word or sign that ends a name, and rejects a candidate made of ordinary Indonesian words."""

import re

from models.lexicon import GIVEN_NAMES_THAT_ARE_WORDS, is_derived_word, is_ordinary_word
from models.privacy.name_words import (
    BOUNDARY_CHARS,
    DEGREES,
    ENDERS,
    NOT_A_NAME_SHAPE,
    STOP,
    TOKEN,
    VERB_SHAPE,
    is_chat_abbreviation,
    is_office_head,
    is_possessive,
    is_public_figure,
    is_word_not_name,
    shouting,
)

# Short forms of name parts, written with a dot before the rest of the name in any case ("moch. Rizal").
_SHORT_FORMS = frozenset("m mh moch moh muh mch mhd ach abd".split())


def _is_boundary(text: str, end: int, *, verb: bool = False) -> bool:
    """Whether a name may end at ``end``: punctuation, a line break, a digit, the end of the
    text, a word that typically follows a name ("warga", "alamat", "mau", "NIK", ...), and
    with ``verb`` also a verb ("bernama andi meresahkan ..."; after a weak introducer a
    verb says nothing: "saya belum terdaftar")."""
    i = end
    while i < len(text) and text[i] in " \t":
        i += 1
    if i >= len(text) or text[i] in BOUNDARY_CHARS or text[i].isdigit():
        return True
    word = TOKEN.match(text, i)
    if not word:
        return False
    low = word.group().lower()
    return low in ENDERS or low in DEGREES or (verb and bool(VERB_SHAPE.match(low) or NOT_A_NAME_SHAPE.match(low)))


def name_from(
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
    ordinary Indonesian words is no name (:func:`made_of_words`; ``weak_words`` asks its
    strict form, by default with ``need_boundary=True``).
    """
    n = len(text)
    i = pos
    while i < n and text[i] in " \t":
        i += 1
    start, end, tokens = i, None, []
    cut_at_word = False  # the name was ended by an ordinary lower-case word: "Pak Wardoyo mampet"
    while len(tokens) < max_tokens:
        m = TOKEN.match(text, i)
        if not m:
            break
        word = m.group()
        low = word.lower()
        if tokens and tokens[0][0].isupper() and word.islower() and is_ordinary_word(word):
            cut_at_word = True
            break
        if tokens and is_public_figure(low):
            return None  # "ibu <first name> <public figure's surname>": the public figure's name
        if (
            low in STOP
            or low in DEGREES
            or is_public_figure(low)
            or is_office_head(low)
            or (need_cap and not tokens and not word[0].isupper())
            or (tokens and word.islower() and NOT_A_NAME_SHAPE.match(word))
            or (tokens and VERB_SHAPE.match(low))
            or low.startswith(("assalam", "wassalam"))
            or is_possessive(word)
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
        if (
            j + 2 < n
            and text[j] == "."
            and text[j + 1] == " "
            and text[j + 2].isupper()
            and len(word) <= 4
            and (word[0].isupper() or low in _SHORT_FORMS)  # "M.", "moch."; "mbah sumi. Disana" ends a sentence
        ):
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
    if (tokens[0].islower() or shouting(text)) and made_of_words(tokens, weak=weak):
        return None  # "saya tunggu", "pak anakku", "atas nama ahli waris", "SAYA MUAK"
    if need_boundary and (
        (tokens[0].islower() and NOT_A_NAME_SHAPE.match(tokens[0])) or re.search(r"(?:nya|kan)$", tokens[0].lower())
    ):
        return None
    if weak and is_derived_word(tokens[0]):
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
    if need_boundary == "stop" and not (_is_boundary(text, end) or word_after(text, end).lower() in STOP):
        return None
    return start, end


# Words that end a name only when the name itself does not look like ordinary words: pronouns and
# "rumah" ("istri saya siti rohmawati saya mau ...", "ibu sumarni rmh no ..."), negations ("bu
# painah tidak mempunyai ..."), the reader addressed ("nama saya hendra pak, ...") and particles
# that follow a subject ("atas nama siti rohmawati kok ...", "saya budi sebelumnya ...").
_SOFT_ENDERS = frozenset("saya sy ini rumah rmh tidak tdk gak nggak belum blm pak bu kok sebelumnya".split())


def _too_short_for_a_name(word: str) -> bool:
    """Whether a one-word name is too short: one letter, or two unless written as a name ("Ai", "Yu")."""
    return len(word) < 2 or (len(word) == 2 and not (word[0].isupper() and word[1].islower()))


def _soft_boundary(text: str, end: int, tokens: list[str]) -> bool:
    """Whether a word of :data:`_SOFT_ENDERS` after the name ends it: only for a name of two words, a
    capitalised one or one of five letters, with no ordinary lower-case word in it, since "pak biar
    saya", "bapak pukul saya", "pak daerah rumah saya", "pak biar gak ..." are sentences."""
    if word_after(text, end).lower() not in _SOFT_ENDERS:
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
    if len(low) < 4 or low in GIVEN_NAMES_THAT_ARE_WORDS:
        return False
    return any(is_ordinary_word(low[:i] + vowel + low[i:]) for i in range(1, len(low)) for vowel in "aeiou")


def made_of_words(tokens: list[str], *, weak: bool) -> bool:
    """Whether lower-case (or shouted) ``tokens`` are ordinary words rather than a name.

    Many given names are also words ("bu titik", "pak wisnu", "atas nama delta arya ..."), so
    after a title or a label a candidate is rejected only when every word of it is an
    ordinary word, or when a single word is a derived form. After a weak introducer (a bare
    "saya") words are the rule and names the exception: an ordinary first word rejects it.
    """
    if weak:
        return is_word_not_name(tokens[0])
    if len(tokens) == 1:
        return is_derived_word(tokens[0]) or is_chat_abbreviation(tokens[0])
    return all(is_word_not_name(t) for t in tokens)


_BLANKS = re.compile(r"[ \t]*")


def word_after(text: str, end: int) -> str:
    """The word after ``end`` past blanks on the same line, as written ("" if none)."""
    word = TOKEN.match(text, _BLANKS.match(text, end).end())
    return word.group() if word else ""
