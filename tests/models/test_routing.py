"""Agency routing: the classifier's probabilities mixed with where each category's reports went."""

import numpy as np
import pytest

from models.routing import CategoryRouting

CATEGORIES = ("Jalan", "PJU", "Sampah")
AGENCIES = ("DLH", "DSDABM", "Dishub")


def _routing() -> CategoryRouting:
    labelled = ["Jalan"] * 9 + ["PJU"] * 10 + ["Sampah"] * 5 + [None]
    agencies = ["DSDABM"] * 8 + ["Dishub"] + ["Dishub"] * 10 + ["DLH"] * 5 + ["DLH"]
    return CategoryRouting.fit(CATEGORIES, AGENCIES, labelled, agencies, weight=0.5)


def test_the_table_counts_each_categorys_reports_per_agency():
    routing = _routing()
    assert np.allclose(routing.table.sum(axis=1), 1.0)
    jalan = routing.table[0]
    assert jalan[1] == pytest.approx(8.1 / 9.3) and jalan[2] == pytest.approx(1.1 / 9.3)
    assert routing.agency_for("PJU") == "Dishub" and routing.agency_for("Banjir") is None


def test_a_settled_category_routes_by_its_own_row_and_an_open_one_by_the_category_probabilities():
    routing = _routing()
    unsure_agency = np.array([[0.3, 0.4, 0.3], [0.3, 0.4, 0.3]])
    category_proba = np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1]])
    open_case, settled = routing.combine(unsure_agency, category_proba, [None, "Jalan"])
    assert open_case.argmax() == 2  # mostly PJU, so Dishub
    assert settled.argmax() == 1  # the citizen's road category confirmed: DSDABM
    assert np.allclose(open_case, 0.5 * unsure_agency[0] + 0.5 * category_proba[0] @ routing.table)
    assert settled.sum() == pytest.approx(1.0)


def test_a_catch_all_category_settles_no_agency():
    labelled = ["Lainnya"] * 9 + ["PJU"] * 4
    agencies = ["DLH", "DSDABM", "Dishub"] * 3 + ["Dishub"] * 4
    routing = CategoryRouting.fit(("Lainnya", "PJU"), AGENCIES, labelled, agencies)
    # Its reports went everywhere: a corrected 'Lainnya' re-derives nothing, and a quick pick of it accepts nothing.
    assert routing.agency_for("Lainnya") is None
    assert routing.agency_for("PJU") == "Dishub"
