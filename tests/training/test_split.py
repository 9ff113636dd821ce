"""The time-ordered split: earlier reports train, identical texts never straddle it."""

import pandas as pd
import pytest

from training.data import OTHER_CATEGORY, agency_group, text_key, time_ordered_split


def frame(rows) -> pd.DataFrame:
    columns = ["text", "created_at", "label_category", "label_agency"]
    return pd.DataFrame([tuple(row) + (None,) * (4 - len(row)) for row in rows], columns=columns).assign(
        created_at=lambda f: pd.to_datetime(f["created_at"])
    )


def test_train_precedes_test_and_duplicates_stay_on_one_side():
    rows = [
        (f"laporan nomor {i}", f"2024-01-{1 + i % 28:02d} {i % 24:02d}:00", "A" if i % 2 else "B") for i in range(50)
    ]
    rows += [("Laporan   NOMOR 3", "2024-02-20 10:00", "A"), ("jalan rusak", "2024-02-21 09:00", None)]
    split = time_ordered_split(frame(rows), test_fraction=0.2, min_reports_per_category=1)
    assert split.train["created_at"].max() <= split.test["created_at"].min()
    assert not set(split.train["text"].map(text_key)) & set(split.test["text"].map(text_key))
    assert len(split.train) + len(split.test) == 50  # one duplicate and one unlabelled row dropped
    assert len(split.test) == 10


def test_rare_categories_fold_into_other():
    rows = [(f"t{i}", f"2024-01-01 00:{i:02d}", "common") for i in range(30)]
    rows += [(f"r{i}", f"2024-01-02 00:{i:02d}", "rare") for i in range(3)]
    split = time_ordered_split(frame(rows), min_reports_per_category=5)
    labels = set(split.train["label_category"]) | set(split.test["label_category"])
    assert labels == {"common", OTHER_CATEGORY}
    # The rare reports are the latest: the folded category exists only on the test side.
    assert split.categories == ("common",)
    assert set(split.test["label_category"]) == {"common", OTHER_CATEGORY}


def test_bad_fraction_and_empty_input_are_refused():
    with pytest.raises(ValueError, match="test_fraction"):
        time_ordered_split(frame([("a", "2024-01-01", "x")]), test_fraction=1.5)
    with pytest.raises(ValueError, match="no reports"):
        time_ordered_split(frame([("a", "2024-01-01", None)]))


def test_rare_categories_can_be_dropped_instead():
    rows = [(f"t{i}", f"2024-01-01 00:{i:02d}", "common" if i % 3 else "rare") for i in range(30)]
    split = time_ordered_split(frame(rows), min_reports_per_category=15, rare="drop")
    assert set(split.train["label_category"]) | set(split.test["label_category"]) == {"common"}
    assert len(split.train) + len(split.test) == 20


def test_local_offices_are_grouped_and_rare_agencies_folded():
    assert agency_group("Kelurahan Dukuh Setro") == "Kelurahan"
    assert agency_group("Kecamatan Tambaksari") == "Kecamatan"
    assert agency_group("Dinas Sosial") == "Dinas Sosial"
    assert agency_group("Kelurahanan") == "Kelurahanan"
    assert agency_group(None) is None
    offices = ["Kelurahan Gubeng", "Kelurahan Airlangga", "Dinas Sosial", "Dinas Perhubungan", "Badan X"]
    rows = [(f"t{i}", f"2024-01-01 00:{i:02d}", "c", offices[i % 5] if i % 10 else "Badan X") for i in range(50)]
    split = time_ordered_split(frame(rows), min_reports_per_category=12)
    assert split.agencies == ("Badan X", "Kelurahan", OTHER_CATEGORY)
    assert split.summary()["n_agencies"] == 3


def test_holdout_splits_training_in_time():
    rows = [(f"t{i}", f"2024-01-01 00:{i:02d}", "AB"[i % 2]) for i in range(50)]
    split = time_ordered_split(frame(rows), min_reports_per_category=1)
    inner = split.holdout(0.25)
    assert len(inner.train) == 30 and len(inner.test) == 10
    assert inner.train["created_at"].max() <= inner.test["created_at"].min() <= split.test["created_at"].min()
