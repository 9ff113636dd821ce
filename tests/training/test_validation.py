"""The validation predictions every threshold is chosen on, in the fitted model's class order."""

from types import SimpleNamespace

import numpy as np
import pandas as pd

from models.triage import TriageModel
from training.data import Split
from training.validation import saved_validation


def test_a_holdout_that_saw_fewer_classes_is_laid_out_in_the_models_class_order():
    train = pd.DataFrame(
        {
            "label_category": ["Jalan", "PJU", "Sampah", "PJU", "Jalan"],
            "label_agency": ["DSDABM", "Dishub", None, "Dishub", "DSDABM"],
        }
    )
    # The earlier reports never had Sampah: the holdout model knew two of the three categories.
    category = SimpleNamespace(
        classes_=np.array(["Jalan", "PJU", "Sampah"], dtype=object),
        holdout_classes_=np.array(["Jalan", "PJU"], dtype=object),
        holdout_proba_=np.array([[0.2, 0.8], [0.9, 0.1]]),
        holdout_index_=np.array([3, 4]),
    )
    agency = SimpleNamespace(
        classes_=np.array(["DSDABM", "Dishub"], dtype=object),
        holdout_classes_=np.array(["Dishub"], dtype=object),
        holdout_proba_=np.array([[1.0], [1.0]]),
        holdout_index_=np.array([2, 3]),  # positions among the four reports with an agency label
    )
    model = TriageModel(category_classifier=category, agency_classifier=agency)
    validation = saved_validation(model, Split(train, train.iloc[:0], (), ()))
    assert list(validation.classes) == ["Jalan", "PJU", "Sampah"]
    assert np.allclose(validation.proba, [[0.2, 0.8, 0.0], [0.9, 0.1, 0.0]])
    assert list(validation.truth) == ["PJU", "Jalan"]
    assert list(validation.agency_classes) == ["DSDABM", "Dishub"]
    assert np.allclose(validation.agency_proba, [[0.0, 1.0], [0.0, 1.0]])
    assert list(validation.agency_truth) == ["Dishub", "DSDABM"]


def test_the_validation_routes_by_the_earlier_reports_agencies_only():
    from models.routing import CategoryRouting

    train = pd.DataFrame(
        {
            "label_category": ["Jalan", "Jalan", "Jalan", "Jalan", "Jalan"],
            "label_agency": ["DSDABM", "DSDABM", "DSDABM", "Dishub", "Dishub"],
        }
    )
    category = SimpleNamespace(
        classes_=np.array(["Jalan"], dtype=object),
        holdout_classes_=np.array(["Jalan"], dtype=object),
        holdout_proba_=np.ones((2, 1)),
        holdout_index_=np.array([3, 4]),
    )
    agencies = ("DSDABM", "Dishub")
    served = CategoryRouting.fit(("Jalan",), agencies, train["label_category"], train["label_agency"], weight=0.5)
    model = TriageModel(category_classifier=category, routing=served)
    validation = saved_validation(model, Split(train, train.iloc[:0], (), ()))
    # The holdout's own Dishub reports are not counted: before them, road reports all went to DSDABM.
    assert validation.routing.table[0].argmax() == 0 and validation.routing.table[0, 1] < 0.05
    assert served.table[0, 1] > 0.3
    assert validation.routing.weight == served.weight
