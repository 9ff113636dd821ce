"""An empty duplicate index with the ``duplicate_*`` settings: what the service searches and training measures."""

from models.duplicates.index import DuplicateIndex
from models.duplicates.scoring import DuplicateScorer
from models.settings import Settings


def make_index(
    settings: Settings, scorer: DuplicateScorer | None = None, likely_threshold: float | None = None
) -> DuplicateIndex:
    """An empty index with the windows, radii and thresholds of the settings; `scorer` and `likely_threshold`
    (a served bundle's) replace the shipped coefficients and `duplicate_likely_threshold`."""
    return DuplicateIndex(
        window_days=settings.duplicate_window_days,
        category_window_days=settings.duplicate_category_window_days,
        radius_m=settings.duplicate_radius_m,
        category_radius_m=settings.duplicate_category_radius_m,
        likely_threshold=settings.duplicate_likely_threshold if likely_threshold is None else likely_threshold,
        near_exact_threshold=settings.duplicate_near_exact_threshold,
        candidate_pool=settings.duplicate_candidate_pool,
        scorer=scorer,
        same_place_m=settings.duplicate_same_place_m,
        category_same_place_m=settings.duplicate_category_same_place_m,
        area_same_place_m=settings.duplicate_area_same_place_m,
        problem_threshold=settings.duplicate_problem_threshold,
        problem_confidence=settings.duplicate_problem_confidence,
        resubmission_hours=settings.duplicate_resubmission_minutes / 60.0,
        resubmission_point_m=settings.duplicate_resubmission_point_m,
        resubmission_word_share=settings.duplicate_resubmission_word_share,
        resubmission_problem_share=settings.duplicate_resubmission_problem_share,
    )
