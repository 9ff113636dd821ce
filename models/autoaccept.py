"""Which suggestions pass without a person: least scores per suggestion type, chosen for a target precision."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class AutoAcceptType(StrEnum):
    """Suggestion types an automatic acceptance is judged by: each has its own threshold and precision."""

    CATEGORY_AGREE = "category_agree"
    """The model's first choice is the citizen's own category."""
    CATEGORY_PREDICTED = "category_predicted"
    """The citizen chose no category; the model's first choice is taken."""
    AGENCY = "agency"


DEFAULT_SPOT_CHECK_RATE = 0.05
"""Share of auto-acceptable suggestions reviewed anyway, to measure the precision of what passes."""

FALLBACK_THRESHOLD = 0.9
"""For a model whose thresholds were not fitted (too little validation data): the long-standing default."""


@dataclass(frozen=True)
class AutoAcceptPolicy:
    """Least score per `AutoAcceptType` at which a suggestion needs no person.

    Fitted on a validation split (`training.autoaccept`) so that what passes reaches
    `target_precision`; `validation` keeps, per type, the precision and coverage it reached there.
    A suggestion that changes what the citizen said is never auto-accepted, whatever its score.
    """

    thresholds: Mapping[str, float] = field(default_factory=dict)
    target_precision: float | None = None
    validation: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def threshold(self, kind: AutoAcceptType) -> float:
        return float(self.thresholds.get(kind.value, FALLBACK_THRESHOLD))

    def passes(self, kind: AutoAcceptType, score: float) -> bool:
        return score >= self.threshold(kind)

    def review_reason(
        self,
        kind: AutoAcceptType | None,
        score: float,
        report_id: str,
        suggestion_kind: str,
        spot_check_rate: float,
        threshold: float | None = None,
        gate_closed: bool = False,
    ) -> str | None:
        """Why an auto-acceptable suggestion still goes to a person, or None when it passes.

        `low_confidence` below the type's threshold (`threshold` overrides it; a type of None has
        none), `quality_gate` when its gate is closed, `spot_check` when drawn for one. The service
        routes by this, and the operations replay measures the same path.
        """
        least = self.threshold(kind) if threshold is None and kind is not None else threshold
        if least is not None and score < least:
            return "low_confidence"
        if gate_closed:
            return "quality_gate"
        if spot_checked(report_id, suggestion_kind, spot_check_rate):
            return "spot_check"
        return None


def spot_checked(report_id: str, suggestion_kind: str, rate: float) -> bool:
    """Whether an auto-acceptable suggestion is reviewed anyway: a deterministic draw, so a resent report
    is routed the same way, and a replay of history samples what the service would have."""
    digest = hashlib.sha256(f"{report_id}:{suggestion_kind}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate
