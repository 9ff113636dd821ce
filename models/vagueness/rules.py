"""The guideline reasons a report is vague, what to ask the reporter for, and the rules that give them.

:func:`rule_reasons` turns :class:`~models.vagueness.cues.Cues` into reasons; they are the reasons shown to
reviewers in every mode. :func:`rule_score` scores a report by its strongest reason
(:data:`RULE_CONFIDENCE`, fixed by hand on the development half of the annotation, nothing fitted): the
scorer's ``rules`` mode, which works on a machine without the real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.vagueness.cues import Cues


@dataclass(frozen=True, slots=True)
class Reason:
    """What is missing from a report: a machine code, a note for reviewers, a request to the reporter."""

    code: str
    description: str
    """Short English description for reviewers and logs."""
    request: str
    """Short request to the reporter, in Bahasa Indonesia."""


REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason(
            "no_problem",
            "No identifiable problem, object or request: only a plea, a topic word, a category or a place.",
            "Mohon jelaskan masalahnya: apa yang rusak, bermasalah, atau apa yang Anda minta "
            "(misalnya 'lampu PJU mati sejak Senin', 'KTP belum jadi sejak Januari').",
        ),
        Reason(
            "no_location",
            "The problem is tied to a place but no usable place is given (street, gang, RT/RW, landmark).",
            "Mohon sebutkan lokasi masalahnya: nama jalan dan nomor, gang, RT/RW, kelurahan, "
            "atau patokan terdekat (sekolah, masjid, pasar).",
        ),
        Reason(
            "greeting_or_hashtag_only",
            "The text is only a greeting, thanks, hashtags or filler.",
            "Laporan Anda hanya berisi salam atau tagar. Mohon tuliskan apa yang terjadi dan di mana.",
        ),
        Reason(
            "too_short",
            "The text is too short or too fragmentary to understand.",
            "Laporan terlalu singkat atau kurang jelas. Mohon tuliskan dalam satu atau dua kalimat "
            "apa masalahnya dan di mana lokasinya.",
        ),
    )
}
REASON_ORDER: tuple[str, ...] = tuple(REASONS)

# --- rules ------------------------------------------------------------------------------------


def rule_reasons(cues: Cues) -> list[str]:
    """The guideline reasons that the cues show, in the guideline's order (empty: actionable)."""
    reasons: set[str] = set()
    if cues.greeting_or_hashtag_only:
        reasons |= {"no_problem", "greeting_or_hashtag_only"}
    elif cues.has_point:
        _point_reasons(cues, reasons)
    else:
        _text_reasons(cues, reasons)
    return [code for code in REASON_ORDER if code in reasons]


def _point_reasons(cues: Cues, reasons: set[str]) -> None:
    """A report with a GPS point (PetaBencana): the place is known, the text must add an observation."""
    if cues.flood_observation or cues.problem_states:
        return
    # with a point, any place word or unknown word (most often a place name: "dutamas banjir") places it
    names_a_place = cues.has_location or cues.place_heads > 0 or cues.detail_words > 0
    if (cues.flood_category_words or cues.place_objects) and names_a_place:
        return  # "X banjir": a place name plus the category (guideline rule 13)

    reasons.add("no_problem")
    if cues.n_words <= 2 and not names_a_place:
        reasons.add("too_short")


def _text_reasons(cues: Cues, reasons: set[str]) -> None:
    """A report without a point (Surabaya): the text must name the problem, and its place when it has one."""
    named = cues.place_objects + cues.own_case_topics
    says_something = cues.problem_states or cues.requested_works or cues.question or cues.flood_category_words
    if named:
        # an object or topic needs something said about it; a place name alone is not that (rule 13)
        if not says_something and cues.detail_words <= 1:
            reasons.add("no_problem")
    elif not (cues.has_location and says_something) and cues.detail_words < 4:
        reasons.add("no_problem")  # neither a known object nor enough words to tell a story
    place_bound = cues.place_objects > 0 and cues.place_objects >= cues.own_case_topics and not cues.city_wide
    if place_bound and not cues.has_location:
        reasons.add("no_location")
    if cues.n_words <= 2 and "no_problem" in reasons:
        reasons.add("too_short")


RULE_CONFIDENCE: dict[str, float] = {
    "greeting_or_hashtag_only": 0.95,
    "too_short": 0.9,
    "no_problem": 0.8,
    "no_location": 0.8,
}
"""Score of the ``rules`` mode: the confidence of the strongest reason that fires, else
:data:`RULE_ACTIONABLE_SCORE`. Set by hand from the rules' precision on the development half
of the annotation; nothing is fitted."""

RULE_ACTIONABLE_SCORE = 0.1


def rule_score(cues: Cues) -> float:
    reasons = rule_reasons(cues)
    return max((RULE_CONFIDENCE[r] for r in reasons), default=RULE_ACTIONABLE_SCORE)
