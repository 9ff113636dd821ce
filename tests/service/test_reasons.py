"""Every reason a suggestion can carry is in one table, which the README lists and the reviewer page labels."""

import re
from pathlib import Path

from models.autoaccept import AutoAcceptPolicy, AutoAcceptType
from models.mismatch import Verdict
from service.queue.service import REROUTE_REASON
from service.reports.reasons import REASONS, Reason
from service.web import labels

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(?P<code>[a-z_]+)` \| (?P<queued>yes|no) \| (?P<meaning>.+) \| (?P<label>.+) \|$")


def _readme_rows() -> dict[str, tuple[bool, str, str]]:
    text = README.read_text()
    table = text[text.index("| reason | queued | meaning | on the reviewer page |") :].split("\n\n", 1)[0]
    rows = [ROW.match(line) for line in table.splitlines()[2:]]
    assert all(rows), "a row of the README's reason table does not parse"
    return {m["code"]: (m["queued"] == "yes", m["meaning"], m["label"]) for m in rows}


def test_the_readme_lists_exactly_the_reasons_of_the_table():
    expected = {r.value: (t.review, t.meaning, t.label) for r, t in REASONS.items()}
    assert _readme_rows() == expected


def test_every_reason_has_a_page_label_from_the_table():
    assert set(REASONS) == set(Reason)
    for reason, text in REASONS.items():
        assert labels.reason(reason.value) == text.label and text.meaning and text.label


def test_every_reason_the_routing_can_emit_is_in_the_table():
    # The verdict's reasons: every verdict but agreement queues the category suggestion under its own name.
    for verdict in Verdict:
        if verdict != Verdict.AGREE:
            assert REASONS[Reason(verdict.value)].review
    # Why an auto-acceptable suggestion still goes to a person, one case each.
    policy = AutoAcceptPolicy(thresholds={AutoAcceptType.AGENCY.value: 0.9})
    emitted = {
        policy.review_reason(AutoAcceptType.AGENCY, 0.5, "r", "agency", 0.0),
        policy.review_reason(AutoAcceptType.AGENCY, 0.95, "r", "agency", 0.0, gate_closed=True),
        policy.review_reason(AutoAcceptType.AGENCY, 0.95, "r", "agency", 1.0),
    }
    assert emitted == {"low_confidence", "quality_gate", "spot_check"}
    assert all(REASONS[Reason(code)].review for code in emitted)
    assert policy.review_reason(AutoAcceptType.AGENCY, 0.95, "r", "agency", 0.0) is None
    assert REASONS[REROUTE_REASON].review
