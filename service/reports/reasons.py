"""Why a suggestion was routed as it was: the one table the API, the README and the reviewer page read."""

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """A suggestion's `reason`; those with `review=True` in REASONS are the ones `review.reasons` lists."""

    SUGGEST_CHANGE = "suggest_change"
    NEEDS_REVIEW = "needs_review"
    UNKNOWN_CATEGORY = "unknown_category"
    LOW_CONFIDENCE = "low_confidence"
    LOCATION_MISMATCH = "location_mismatch"
    VAGUE = "vague"
    LIKELY_DUPLICATE = "likely_duplicate"
    QUALITY_GATE = "quality_gate"
    SPOT_CHECK = "spot_check"
    CATEGORY_CORRECTED = "category_corrected"
    AGREES_WITH_CITIZEN = "agrees_with_citizen"
    NO_CITIZEN_CATEGORY = "no_citizen_category"
    ROUTING = "routing"
    EXACT_RESUBMISSION = "exact_resubmission"


@dataclass(frozen=True)
class ReasonText:
    review: bool
    """Whether the reason sends the suggestion to a person (the others are why a suggestion passed on its own)."""
    meaning: str
    """For clients and the README, in English."""
    label: str
    """For the reviewer page, in Bahasa Indonesia."""


REASONS: dict[Reason, ReasonText] = {
    Reason.SUGGEST_CHANGE: ReasonText(
        True, "the citizen's category is probably wrong; the model names the change", "Kategori warga kemungkinan salah"
    ),
    Reason.NEEDS_REVIEW: ReasonText(
        True, "the model and the citizen disagree without a clear answer", "Model tidak sepakat dengan warga"
    ),
    Reason.UNKNOWN_CATEGORY: ReasonText(
        True,
        "the citizen's category is not one the served model knows (`citizen_category_known: false`)",
        "Kategori warga tidak dikenal model",
    ),
    Reason.LOW_CONFIDENCE: ReasonText(
        True,
        "the score is below the auto-accept threshold of its type (the model's, or the setting that overrides it)",
        "Di bawah ambang terima otomatis",
    ),
    Reason.LOCATION_MISMATCH: ReasonText(
        True, "the report's point lies in another kelurahan than the one claimed", "Titik lokasi di kelurahan lain"
    ),
    Reason.VAGUE: ReasonText(True, "the report is too vague to act on", "Kurang jelas"),
    Reason.LIKELY_DUPLICATE: ReasonText(
        True, "an earlier stored report probably describes the same problem", "Kemungkinan laporan ganda"
    ),
    Reason.QUALITY_GATE: ReasonText(
        True,
        "the suggestion type's spot-checked precision fell below TRIASE_QUALITY_MIN_PRECISION",
        "Presisi model sedang turun",
    ),
    Reason.SPOT_CHECK: ReasonText(
        True, "drawn for a spot check of what would have passed (TRIASE_SPOT_CHECK_RATE)", "Pemeriksaan acak"
    ),
    Reason.CATEGORY_CORRECTED: ReasonText(
        True,
        "a reviewer corrected the category, and another agency handles the corrected one",
        "Kategori dikoreksi: instansi ikut berubah",
    ),
    Reason.AGREES_WITH_CITIZEN: ReasonText(
        False, "the model's first choice is the citizen's category", "Sesuai pilihan warga"
    ),
    Reason.NO_CITIZEN_CATEGORY: ReasonText(
        False, "the citizen chose no category; the model's first choice is suggested", "Warga tidak memilih kategori"
    ),
    Reason.ROUTING: ReasonText(False, "the agency the report should go to", "Penerusan ke instansi"),
    Reason.EXACT_RESUBMISSION: ReasonText(
        False, "a resubmission of an earlier report, grouped with it at once", "Laporan dikirim ulang"
    ),
}
