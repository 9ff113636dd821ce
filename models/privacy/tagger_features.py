"""What the learned name tagger (:mod:`models.privacy.tagger`) sees of each word: features that carry over to
writers and layouts it never saw.

A text is cut into word tokens (:func:`tokens`); each token is described by its shape, the name and place lists
(:mod:`models.name_lists`), the dictionary of ordinary words (:mod:`models.lexicon`), the punctuation and line
breaks around it, its place in the text, the words two either side, and what the rule redactor decided there
(stacking: the tagger learns where the rules are right and what they miss).

Only ordinary words keep their identity as a feature (:func:`word_identity`): any other word - a name, a typo, a
place - is seen through its shape and list membership alone, so a fitted tagger holds no personal name and
learns what makes a word a name, not which names occurred.
"""

import re
from functools import cache, lru_cache
from typing import NamedTuple

from faker.providers.person.id_ID import Provider as IndonesianPersonProvider

from models.name_lists import is_given_name, is_place_name
from models.privacy.name_words import (
    COMMON_NAME_PARTS,
    DEGREES,
    ENDERS,
    STOP,
    TITLES,
    is_office_head,
    is_public_figure,
    is_word_not_name,
    shouting,
    title_cased,
)
from models.privacy.pattern import Span

__all__ = ["TITLE_WORDS", "Token", "tokens", "token_features", "view", "word_identity"]

# Letters (with an inner apostrophe, "Ma'ruf") or digits: digits are tokens too, so that "RT 03" or a phone
# number reads as context.
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+")
TITLE_WORDS = frozenset(TITLES.split("|")) | {"bpk", "bp", "sdr", "sdri", "ny", "almh", "alm", "h", "hj", "dr", "drs"}

WORD_CACHE_SIZE = 2**12
"""Words whose features are kept between texts. Bounded: a serving process meets new words (names among them) for as
long as it lives, and an unbounded cache would keep every one of them, and grow, for that long."""


class Token(NamedTuple):
    start: int
    end: int
    word: str


def view(text: str) -> str:
    """The text with the export's literal line breaks (backslash + n) read as a space + newline, same length."""
    return text.replace("\\n", " \n")


def tokens(text: str) -> list[Token]:
    """The word and number tokens of ``text`` with their offsets (into the raw text: the view keeps lengths)."""
    return [Token(*m.span(), m.group()) for m in _TOKEN.finditer(view(text))]


@cache
def _family_names() -> frozenset[str]:
    return frozenset(name.lower() for name in IndonesianPersonProvider.last_names)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _is_ordinary(low: str) -> bool:
    return is_word_not_name(low)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def word_identity(low: str) -> str | None:
    """The word itself as a feature value when it is an ordinary word, a stop word, a title or a role (what a
    context word means), else None: names, typos and places are left to their shape and lists."""
    if is_given_name(low) or low in _family_names() or low in COMMON_NAME_PARTS or is_public_figure(low):
        return None
    if low in STOP or low in ENDERS or low in TITLE_WORDS or low in DEGREES or _is_ordinary(low):
        return low
    return None


def _shape(word: str) -> str:
    """Character classes with repeats collapsed: "Xx" (capitalised), "X" (one capital), "XX" (capitals), "x", "d"."""
    if word.isdigit():
        return "d"
    if word.isupper():
        return "X" if len(word) == 1 else "XX"
    if word[0].isupper():
        return "Xx" if word[1:].islower() else "XxX"
    return "x" if word.islower() else "xX"


def _length(word: str) -> str:
    return str(len(word)) if len(word) <= 3 else ("4-6" if len(word) <= 6 else "7+")


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _word_kinds(word: str) -> tuple[str, ...]:
    """Which lists and word classes a word belongs to, independent of where it stands."""
    low = word.lower()
    kinds = [f"shape={_shape(word)}", f"len={_length(word)}"]
    if word.isdigit():
        return tuple(kinds)
    checks = {
        "given": is_given_name(low),
        "family": low in _family_names(),
        "place": is_place_name(low),
        "ordinary": _is_ordinary(low),
        "stop": low in STOP,
        "ender": low in ENDERS,
        "title": low in TITLE_WORDS,
        "degree": low in DEGREES,
        "common_part": low in COMMON_NAME_PARTS,
        "public": is_public_figure(low),
        "office": is_office_head(low),
    }
    kinds += [name for name, holds in checks.items() if holds]
    identity = word_identity(low)
    kinds.append(f"w={identity}" if identity else "w=<other>")
    return tuple(kinds)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _context_features(word: str, rule: str | None, offset: str) -> tuple[str, ...]:
    """What a token tells the word ``offset`` positions away: its kinds and the rules' decision on it (None: no
    rules' decisions among the features)."""
    rule_decision = () if rule is None else (f"{offset}:rule={rule}",)
    return (*(f"{offset}:{kind}" for kind in _word_kinds(word)), *rule_decision)


def _stand_in(word: str) -> str:
    """The word the caches are keyed by: a number's features are its shape and length bucket alone, so every
    number of a bucket shares one entry (house and phone numbers are mostly new, and would each take one)."""
    if not word.isdigit():
        return word
    return "0" * len(word) if len(word) <= 3 else ("0000" if len(word) <= 6 else "0000000")


def _gap(between: str) -> str:
    """What separates two tokens: a line break, the punctuation written, or a plain space."""
    if "\n" in between:
        return "NL"
    marks = "".join(between.split())
    return marks[:3] if marks else "SP"


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else ("4-7" if n <= 7 else ("8-15" if n <= 15 else "16+"))


def _rule_labels(words: list[Token], spans: list[Span]) -> list[str]:
    """The rule redactor's decision at each token: the kind (and a name's owner) of the span covering it."""
    labels = []
    for token in words:
        covering = next((s for s in spans if s.start < token.end and token.start < s.end), None)
        if covering is None:
            labels.append("none")
        elif covering.kind == "nama":
            labels.append(f"nama:{covering.owner}")
        else:
            labels.append(covering.kind)
    return labels


def token_features(
    text: str, rule_spans: list[Span], with_rules: bool = True
) -> tuple[list[Token], list[tuple[str, ...]]]:
    """The tokens of ``text`` and the names of each token's features, every one present with value 1 and no two
    alike (see the module docstring); without ``with_rules`` the rules' decisions are left out (``rule_spans``
    unread)."""
    text_view = view(text)
    words = tokens(text)
    rules: list[str | None] = _rule_labels(words, rule_spans) if with_rules else [None] * len(words)
    n = len(words)
    whole = (f"text_shouting={shouting(text_view)}", f"text_title_cased={title_cased(text_view)}")
    gaps = [_gap(text_view[words[i - 1].end : words[i].start]) if i else "START" for i in range(n)]
    line_index, line_lengths, index_in_line = 0, [], []
    lines: list[int] = []
    for i in range(n):
        if gaps[i] in ("NL", "START"):
            line_index += 1 if i else 0
            line_lengths.append(0)
        lines.append(line_index)
        index_in_line.append(line_lengths[-1])
        line_lengths[-1] += 1

    keys = [_stand_in(token.word) for token in words]

    def context(i: int, offset: str) -> tuple[str, ...]:
        if i < 0:
            return (f"{offset}:BOS",)
        if i >= n:
            return (f"{offset}:EOS",)
        return _context_features(keys[i], rules[i], offset)

    # Every token's identity, from two before the first to two after the last (index i + 2).
    identities = ["BOS", "BOS", *(word_identity(key.lower()) or _shape(key) for key in keys), "EOS", "EOS"]

    def identity(i: int) -> str:
        return identities[i + 2]

    features = []
    for i, token in enumerate(words):
        own_shape = _shape(token.word)
        gap_after = gaps[i + 1] if i + 1 < n else "END"
        rule_decision = (
            ()
            if rules[i] is None
            else (f"rule={rules[i]}", f"rule_starts={rules[i] != 'none' and (i == 0 or rules[i - 1] != rules[i])}")
        )
        features.append(
            (
                "bias",
                *whole,
                *_word_kinds(keys[i]),
                *rule_decision,
                f"gap_before={gaps[i]}",
                f"gap_after={gap_after}",
                f"from_start={_bucket(i)}",
                f"to_end={_bucket(n - 1 - i)}",
                f"in_line={_bucket(index_in_line[i])}",
                f"line_length={_bucket(line_lengths[lines[i]])}",
                *context(i - 2, "-2"),
                *context(i - 1, "-1"),
                *context(i + 1, "+1"),
                *context(i + 2, "+2"),
                # Conjunctions a linear model cannot form itself: the introducing words with the word's shape.
                f"-1w|shape={identity(i - 1)}|{own_shape}",
                f"-2w-1w={identity(i - 2)}|{identity(i - 1)}",
                f"-2w-1w|shape={identity(i - 2)}|{identity(i - 1)}|{own_shape}",
                f"-1w|gap|shape={identity(i - 1)}|{gaps[i]}|{own_shape}",
                f"shape|+1w={own_shape}|{identity(i + 1)}",
                f"+1w+2w={identity(i + 1)}|{identity(i + 2)}",
            )
        )
    return words, features
