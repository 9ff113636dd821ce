"""Fit the learned name tagger a bundle serves (:class:`models.privacy.tagger.NameTagger`).

It learns from the hand-annotated Surabaya reports of every development part (`training.evaluate_pii`), read from
the export under ``TRIASE_DATA_DIR``; the test part stays unseen, so its figure (``python -m training.evaluate_pii
--tagger-test-part``) is the served tagger's. Where the export is absent the bundle has no tagger and the service
masks with the rules alone.
"""

import logging

from sklearn.base import clone

from models.privacy.tagger import NameTagger
from models.settings import Settings
from training.datasets import available_datasets
from training.evaluate_pii import DATASET, DEVELOPMENT_PARTS, load_annotation_parts, load_annotations, load_raw_texts

__all__ = ["fit_name_tagger"]

log = logging.getLogger(__name__)


def fit_name_tagger(settings: Settings, tagger: NameTagger | None = None) -> NameTagger | None:
    """A clone of `tagger` (by default ``NameTagger()``, the served configuration) fitted on every development part's
    annotated reports; None where the export is absent."""
    if DATASET not in available_datasets(settings):
        log.info(
            "no %s export under %s: the bundle has no name tagger (the rules mask alone)", DATASET, settings.data_dir
        )
        return None
    gold = load_annotations(settings)
    parts = load_annotation_parts(settings)
    ids = sorted(rid for rid in gold if parts[rid] in DEVELOPMENT_PARTS)
    texts = load_raw_texts(set(ids), settings)
    fitted = clone(tagger or NameTagger()).fit([texts[rid] for rid in ids], [gold[rid] for rid in ids])
    log.info("name tagger fitted on %d annotated reports", len(ids))
    return fitted
