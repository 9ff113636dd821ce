"""Blind readings of reports whose recorded category the model disputes (`data/annotations/category_disputes.jsonl`).

The Surabaya labels are noisy: where the model's first choice is not the official label, the label is often the
one that does not fit. An annotator read such reports with the two categories in random order, judging each fits
or not without knowing which was the label. Training uses the readings of validation reports
(`validation_dispute`) so that a change suggested against a label that does not fit counts as a catch, not a false
alarm; evaluation uses those of test reports (`training.evaluate_disputes`).
"""

import json

import pandas as pd

from models.settings import Settings

DISPUTES_FILE = "annotations/category_disputes.jsonl"
VALIDATION_SAMPLE = "validation_dispute"


def load_disputes(settings: Settings) -> pd.DataFrame:
    path = settings.assets_dir / DISPUTES_FILE
    if not path.exists():
        return pd.DataFrame(columns=["sample", "citizen", "suggested", "citizen_fits", "suggested_fits", "better"])
    with open(path, encoding="utf-8") as handle:
        return pd.DataFrame([json.loads(line) for line in handle if line.strip()]).set_index("id")


def recorded_category_fits(settings: Settings) -> dict[str, bool]:
    """Report id -> whether its recorded category fits it, for every validation report read blind."""
    disputes = load_disputes(settings)
    read = disputes[disputes["sample"] == VALIDATION_SAMPLE]
    return {str(i): bool(fits) for i, fits in read["citizen_fits"].items()}
