"""The validation split's predictions: where every threshold of the decision layer is chosen."""

from dataclasses import dataclass

import numpy as np

from models.routing import CategoryRouting
from models.triage import TriageModel
from training.data import AGENCY, CATEGORY, Split


@dataclass(frozen=True)
class Validation:
    """Predictions of the latest training reports by models of the earlier ones, one row per report."""

    proba: np.ndarray
    classes: np.ndarray
    truth: np.ndarray
    agency_proba: np.ndarray | None
    """The agency classifier's, before routing; a uniform row where it made no prediction."""
    agency_classes: np.ndarray | None
    agency_truth: np.ndarray | None
    """None where the report has no agency label."""
    routing: CategoryRouting | None = None
    """The category -> agency table of the earlier reports only: the served one counted these reports' own
    agencies, which would flatter the agency of a settled category here."""
    ids: np.ndarray | None = None
    """The reports' ids."""


def saved_validation(model: TriageModel, split: Split) -> Validation | None:
    """The validation predictions of a fitted model: its classifiers keep their holdout predictions.

    The category holdout is the latest share of the training reports; the agency holdout the same
    share of those with an agency label, so each category holdout report finds its agency row by
    position. None when the category classifier kept no holdout (too little data).
    """
    category, agency = model.category_classifier, model.agency_classifier
    if getattr(category, "holdout_proba_", None) is None:
        return None
    positions = np.asarray(category.holdout_index_)
    truth = split.train[CATEGORY].to_numpy()[positions]
    classes = np.asarray(category.classes_, dtype=object)
    proba = _in_class_order(category.holdout_proba_, category.holdout_classes_, classes)
    agency_proba = agency_classes = agency_truth = None
    if agency is not None and getattr(agency, "holdout_proba_", None) is not None:
        agency_classes = np.asarray(agency.classes_, dtype=object)
        holdout = _in_class_order(agency.holdout_proba_, agency.holdout_classes_, agency_classes)
        labelled = split.train[AGENCY].notna().to_numpy()
        row_of = {int(p): i for i, p in enumerate(np.flatnonzero(labelled)[agency.holdout_index_])}
        agency_proba = np.full((len(positions), len(agency_classes)), 1 / len(agency_classes))
        agency_truth = np.full(len(positions), None, dtype=object)
        labels = split.train[AGENCY].to_numpy()
        for i, position in enumerate(positions):
            if int(position) in row_of:
                agency_proba[i] = holdout[row_of[int(position)]]
                agency_truth[i] = labels[position]
    routing = None
    if model.routing is not None:
        earlier = np.ones(len(split.train), dtype=bool)
        earlier[positions] = False
        routing = CategoryRouting.fit(
            model.routing.categories,
            model.routing.agencies,
            split.train[CATEGORY].to_numpy()[earlier],
            split.train[AGENCY].to_numpy()[earlier],
            model.routing.weight,
        )
    ids = split.train["id"].to_numpy()[positions] if "id" in split.train else None
    return Validation(proba, classes, truth, agency_proba, agency_classes, agency_truth, routing, ids)


def _in_class_order(proba: np.ndarray, holdout_classes, classes: np.ndarray) -> np.ndarray:
    """Holdout probabilities in the fitted model's class order: a class the earlier reports never had gets 0.

    The routing table and the served thresholds index the model's classes; a holdout model that
    saw fewer classes would otherwise shift the columns.
    """
    column = {label: j for j, label in enumerate(classes)}
    ordered = np.zeros((len(proba), len(classes)))
    for k, label in enumerate(holdout_classes):
        ordered[:, column[label]] = proba[:, k]
    return ordered
