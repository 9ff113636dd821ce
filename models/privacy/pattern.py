"""What a redaction rule finds and how a rule is written: a typed character span, and a pattern row that
turns regex matches into spans (with, for names, whose name it is)."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


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


def text_before(text: str, start: int, window: int) -> str:
    return text[max(0, start - window) : start]


def text_after(text: str, end: int, window: int) -> str:
    return text[end : end + window]
