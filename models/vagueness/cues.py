"""Cue detectors: what the (masked) text and the point of one report show (:func:`detect_cues`).

Placeholders such as ``[NAMA]`` count as a neutral word. :class:`Cues` says where a place is named (street,
gang, RT/RW, kelurahan, house number, named landmark, a Surabaya area name, "daerah X"), which problem
objects and own-case topics are named, whether something is said to be wrong (state words, questions,
requested works), flood observations (depth, impact, status), and how much text there is beyond greetings,
pleas and hashtags. Whether a word after "di", "jalan" or a place head is a place name asks for evidence
(:meth:`_Writing.names`), since a passive verb written apart from "di-" or an adjective after "jalan" is none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from models.lexicon import is_ordinary_word
from models.vagueness.vocabulary import (
    AREA_PHRASE,
    ASK_FOR,
    CALL_CENTER,
    CAPITALISED_SHARE,
    CASE_REFERENCE,
    CASED_WORD,
    CITY_WIDE,
    DURATION,
    FLOOD_CATEGORY,
    FLOOD_DURATION,
    FLOOD_OBSERVATION,
    FLOOD_STATUS_ONLY,
    FLOOD_WORD,
    GANG_HEADS,
    GREETING_FILLER,
    HASHTAG,
    HOUSE_NUMBER,
    KERJA_BAKTI,
    LOCATION_HEADS,
    MENTION,
    NAME_GOES_ON,
    NAME_NUMBER,
    NEGATED,
    NEXT_WORD,
    NOT_A_NAME,
    NOT_BEFORE_NUMBER,
    NOT_RECEIVED,
    OWN_ASK,
    OWN_CASE_TOPICS,
    PLACE_BOUND_OBJECTS,
    PLACE_HEAD,
    PLACEHOLDER,
    PLEA,
    PROBLEM_STATES,
    QUESTION,
    RAIN,
    REDUPLICATION,
    REQUESTED_WORKS,
    RT_RW,
    STREET,
    SURABAYA_AREA_PATTERN,
    TIMES,
    UNNAMED_RT_RW,
    URL,
    VERB_LIKE,
    WEAK_HEADS,
    WORD,
    fold,
)


def _objects_asked_for(body: str) -> int:
    return sum(fold(m.group(1)) in PLACE_BOUND_OBJECTS for m in ASK_FOR.finditer(body))


def _strip_accents(text: str) -> str:
    if text.isascii():  # most reports: nothing to strip, and NFKD leaves ASCII as it is
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _is_name(word: str) -> bool:
    """Whether ``word`` may be a name at all: a number, or a word that is no common word or affixed verb."""
    if not word:
        return False
    if word[0].isdigit():
        return True
    return len(word) >= 3 and fold(word) not in NOT_A_NAME and not VERB_LIKE.search(word)


@dataclass(frozen=True)
class _Writing:
    """A report's text in lower case (what the patterns read) and as written, at the same offsets."""

    lower: str
    cased: str
    names_need_evidence: bool = True
    """False for a report with a point: it needs no place, so a word after a place head is read as a
    name as before ("Kali Pesanggrahan"), and the head is not taken for an object."""

    @cached_property
    def capitals_mark_names(self) -> bool:
        """Whether capitals single names out: some words have one and most do not (in shouted or
        Title Case writing they say nothing)."""
        words = CASED_WORD.findall(self.cased)
        capitalised = sum(w[0].isupper() for w in words)
        return 0 < capitalised <= CAPITALISED_SHARE * len(words)

    def names(self, start: int, end: int, written_for_names: bool) -> bool:
        """Whether the word at ``start:end`` is a name. After a head that is written only before a name
        (``written_for_names``: "Jl.", "Gg", "SMPN") any word that may be a name is one; after a word of
        everyday use ("di", "sekitar", "jalan", "sungai", "kelurahan") the word must look like one:
        capitalised where capitals mark names, no Indonesian word ("di kalirungkut"), the start of a
        Surabaya area name, or continued like a name ("rel ngaglik", "jalan randu barat")."""
        word = self.lower[start:end]
        if not _is_name(word):
            return False
        if word[0].isdigit() or written_for_names or not self.names_need_evidence:
            return True
        capitalised = self.cased[start].isupper() and self.capitals_mark_names
        return (
            capitalised
            or not is_ordinary_word(word)
            or bool(SURABAYA_AREA_PATTERN.match(self.lower, start))
            or self._goes_on_as_a_name(end)
        )

    def _goes_on_as_a_name(self, end: int) -> bool:
        """Whether a street number or compass word follows, after at most one more word, or a second word
        that is a name and no Indonesian word."""
        following = NAME_GOES_ON.match(self.lower, end)
        if following:
            return following.group(1) is None or _is_name(following.group(1))
        second = NEXT_WORD.match(self.lower, end)
        return bool(second) and _is_name(second.group(1)) and not is_ordinary_word(second.group(1))


QUALIFYING_KINDS = frozenset({"gang_number"})
"""Kinds of place that only narrow another place down: alone they are no location."""


@dataclass(frozen=True)
class Cues:
    """What the text (and the point) of one report shows; every field is derived from the text."""

    n_words: int
    """Words outside hashtags and mentions, placeholders included (the guideline's count)."""
    n_content_words: int
    """Words that are not greeting, filler, plea or function words."""
    n_hashtags: int
    has_point: bool
    greeting_or_hashtag_only: bool
    location_kinds: tuple[str, ...]
    """Kinds of place found in the text: street, named_place, gang_number, rt_rw, house_number, area,
    area_phrase, name_number."""
    place_objects: int
    """Place-bound objects and nuisances named (street light, pothole, drain, rubbish, ...)."""
    own_case_topics: int
    """Administrative topics of the reporter's own case (KTP, bansos, BPJS, school, ...)."""
    problem_states: int
    """Words saying what is wrong (mati, rusak, bocor, belum cair, ...), flood words excluded."""
    requested_works: int
    """Requested works and question words (perbaikan, pengangkutan, cara, kapan, ...)."""
    question: bool
    flood_category_words: int
    """Words and hashtags that only repeat the flood category."""
    flood_observation: bool
    """Depth, impact, cause or status beyond the category (PetaBencana rule 1)."""
    city_wide: bool
    """A suggestion, or a complaint about a rule or the whole city: needs no place."""
    place_heads: int
    """Words that head a place name (pasar, sekolah, pintu air, ...), named or not."""
    detail_words: int
    """Content words outside the places found that are neither an object, a topic nor a generic
    place word: what the text says beyond naming things (states, details, a story)."""

    @property
    def has_location(self) -> bool:
        return bool(set(self.location_kinds) - QUALIFYING_KINDS)

    @property
    def states_problem(self) -> bool:
        named = self.place_objects + self.own_case_topics
        return bool(named) and bool(self.problem_states or self.requested_works or self.question)


def _content_words(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in GREETING_FILLER and w not in PLEA and w != "placeholder"]


def _locations(writing: _Writing) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    """Kinds of place named in the text and their character spans."""
    text = writing.lower
    found: dict[str, list[tuple[int, int]]] = {}

    def add(kind: str, match: re.Match[str], end: int | None = None) -> None:
        found.setdefault(kind, []).append((match.start(), end or match.end()))

    for m in STREET.finditer(text):
        if writing.names(*m.span(2), written_for_names=m.group(1) not in WEAK_HEADS):
            add("street", m)
    for m in PLACE_HEAD.finditer(text):
        head = " ".join(m.group(1).split())
        if writing.names(*m.span(2), written_for_names=head not in WEAK_HEADS):
            kind = "gang_number" if fold(head) in GANG_HEADS and m.group(2)[0].isdigit() else "named_place"
            add(kind, m, end=m.end(2))
    for kind, pattern in (("rt_rw", RT_RW), ("house_number", HOUSE_NUMBER), ("area", SURABAYA_AREA_PATTERN)):
        for m in pattern.finditer(text):
            add(kind, m)
    for m in AREA_PHRASE.finditer(text):
        # "di tegur", "di pasang": a passive verb written apart from its "di-" is no place
        split_verb = m.group(0).startswith("di ") and fold("di" + m.group(1)) in NOT_A_NAME
        if writing.names(*m.span(1), written_for_names=False) and not split_verb:
            add("area_phrase", m)
    for m in NAME_NUMBER.finditer(text):
        if fold(m.group(1)) not in NOT_BEFORE_NUMBER and writing.names(*m.span(1), written_for_names=False):
            add("name_number", m)
    return tuple(found), [span for spans in found.values() for span in spans]


def _outside(text: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with every match of ``pattern`` blanked to the same length, so that spans found in it still apply."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _writing(raw: str, has_point: bool) -> _Writing:
    """The text the cues read: placeholders as a neutral word, links, mentions and hashtags blanked,
    "kali" as "times" blanked, compounds joined and reduplications written out; kept as written too."""
    cased = PLACEHOLDER.sub(" placeholder ", _strip_accents(raw))
    cased = MENTION.sub(" ", HASHTAG.sub(" ", URL.sub(" ", cased)))
    cased = KERJA_BAKTI.sub("kerjabakti", TIMES.sub(" ", cased))
    cased = REDUPLICATION.sub(r"\1 \1\2", CALL_CENTER.sub("callcenter", cased))
    lower = cased.lower()
    # a letter whose lower case is longer ("İ") would shift every offset after it: then read no capitals
    return _Writing(lower, cased if len(cased) == len(lower) else lower, names_need_evidence=not has_point)


def detect_cues(text: str, title: str | None = None, has_point: bool = False) -> Cues:
    """Read one report: its (masked) text, the reporter's title if any, and whether it has a GPS point."""
    raw = f"{title}. {text}" if title and title.strip() and title.strip() != text.strip() else text
    lowered = _strip_accents(raw).lower()
    hashtags = [fold(h[1:]) for h in HASHTAG.findall(lowered)]
    writing = _writing(raw, has_point)
    body = writing.lower
    # "belum surut" only restates that it is still flooded, and rain ("hujan deras dari subuh") is no water:
    # neither is an observation nor a stated problem
    without_flood_status = _blank(RAIN, _blank(FLOOD_STATUS_ONLY, body)) if has_point else body
    without_rain = _blank(RAIN, body) if has_point else body
    words = [fold(w) for w in WORD.findall(body)]
    content = _content_words(words)
    location_kinds, spans = _locations(writing)
    not_detail = (NOT_A_NAME - PROBLEM_STATES - REQUESTED_WORKS) | FLOOD_CATEGORY
    outside_words = [fold(w) for w in WORD.findall(_outside(body, spans))]
    # with a point, "banjirnya belum surut" has no detail left: the status and the category are not details
    outside_places = _content_words(fold(w) for w in WORD.findall(_outside(without_flood_status, spans)))
    details = [
        w
        for w in outside_places
        if len(w) >= 3 and not w.isdigit() and w not in not_detail and w.removesuffix("nya") not in FLOOD_CATEGORY
    ]
    every_word = words + hashtags
    hashtags_flood = any(h in FLOOD_CATEGORY for h in hashtags)
    case_references = len(CASE_REFERENCE.findall(body))

    def count(lexicon: frozenset[str], pool: Sequence[str] = every_word) -> int:
        return sum(w in lexicon for w in pool)

    return Cues(
        n_words=len(words),
        n_content_words=len(content),
        n_hashtags=len(hashtags),
        has_point=has_point,
        greeting_or_hashtag_only=all(w in GREETING_FILLER or w == "placeholder" for w in words),
        location_kinds=location_kinds,
        place_objects=count(PLACE_BOUND_OBJECTS, outside_words + hashtags) + len(UNNAMED_RT_RW.findall(body)),
        own_case_topics=count(OWN_CASE_TOPICS) + case_references + len(NOT_RECEIVED.findall(body)),
        problem_states=sum(
            fold(w) in PROBLEM_STATES and fold(w) not in FLOOD_CATEGORY for w in WORD.findall(without_flood_status)
        )
        + len(NEGATED.findall(without_flood_status))
        + len(DURATION.findall(body)),
        requested_works=count(REQUESTED_WORKS, words)
        + case_references
        + len(OWN_ASK.findall(body))
        + _objects_asked_for(body),
        question=bool(QUESTION.search(body)),
        # with a point, "belum surut" restates the category as a flood word does: with a place it is "X banjir"
        flood_category_words=count(FLOOD_CATEGORY) + (len(FLOOD_STATUS_ONLY.findall(body)) if has_point else 0),
        flood_observation=bool(FLOOD_OBSERVATION.search(without_flood_status))
        or bool(FLOOD_DURATION.search(without_rain) and (hashtags_flood or FLOOD_WORD.search(body))),
        city_wide=bool(CITY_WIDE.search(body)),
        place_heads=count(LOCATION_HEADS, words),
        detail_words=len(details),
    )
