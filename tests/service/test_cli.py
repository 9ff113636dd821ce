"""The `triase` command as the data team uses it."""

import json

import mlflow
import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import get_service_settings
from training import registry
from training.datasets import available_datasets

runner = CliRunner()


@pytest.fixture
def home(served_settings, monkeypatch):
    monkeypatch.setenv("TRIASE_HOME", str(served_settings.home))
    get_service_settings.cache_clear()
    yield served_settings
    get_service_settings.cache_clear()


def test_evaluate_json_has_every_section_and_logs_plots(home):
    # The duplicates section embeds every report of both exports on first use: measured by its own module.
    result = runner.invoke(app, ["evaluate", "--json", "--skip", "duplicates"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["model"] == "triase-triage/1"
    assert {"macro_f1", "accuracy", "top3_accuracy", "accuracy_at_coverage_50", "ece"} <= set(report["category"])
    assert {"macro_f1", "accuracy"} <= set(report["agency"])
    assert {"precision", "recall", "suggestion_accuracy"} <= set(report["mismatch"])
    operations = report["operations"]
    assert {"automation_rate", "auto_error_rate", "auto_agency_error_rate"} <= set(operations)
    assert set(operations["scenarios"]) == {"same_agency", "other_agency", "uniform", "no_category"}
    assert set(operations["mismatch_by_error_model"]) == {"same_agency", "other_agency", "uniform"}
    with_category = [row for name, row in operations["scenarios"].items() if name != "no_category"]
    assert operations["automation_rate"] == min(row["automation_rate"] for row in with_category)
    targets = [p["target_precision"] for p in operations["curve"]]
    assert targets == sorted(targets) and len(targets) >= 5
    assert "claims" not in report  # the hand-written cases use the Surabaya categories, which the demo model lacks
    assert report["category_details"]["per_class"]
    if "surabaya_mediacenter" in available_datasets(home):
        assert {"precision", "recall", "f1"} <= set(report["vague"])
        assert {"nik", "telepon", "email", "plat", "nama"} == set(report["pii"]["recall"])
        assert 0 < report["pii"]["precision"] <= 1
        assert 0 < report["pii"]["name"]["recall"] <= 1
        assert 0 < report["pii"]["self_name"]["recall"] <= 1 and 0 < report["pii"]["self_name"]["precision"] <= 1
    assert "duplicates" not in report

    client = registry.configure(home)
    (run,) = mlflow.search_runs(filter_string="tags.evaluates = 'triase-triage/1'", output_format="list")
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "plots")}
    assert artifacts == {
        "plots/reliability.png",
        "plots/coverage.png",
        "plots/confusion.png",
        "plots/operating_curve.png",
    }


def test_evaluate_prints_a_readable_report(home):
    result = runner.invoke(app, ["evaluate", "--no-log", "--skip", "duplicates", "--skip", "vague", "--skip", "pii"])
    assert result.exit_code == 0, result.output
    assert "coverage -> accuracy" in result.stdout and "per category" in result.stdout


def test_promote_unknown_version_fails_with_a_message(home):
    result = runner.invoke(app, ["promote", "99"])
    assert result.exit_code == 1
    assert "no version 99" in result.output


def test_audit_writes_ids_and_labels_only(home, tmp_path):
    out = tmp_path / "audit.csv"
    result = runner.invoke(app, ["audit", "--dataset", "demo", "--out", str(out), "--folds", "3"])
    assert result.exit_code == 0, result.output
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,given_label,suggested_label,score"


def test_select_logs_one_run_per_candidate(home):
    from training.select import CANDIDATES

    result = runner.invoke(app, ["select", "--dataset", "demo"])
    assert result.exit_code == 0, result.output
    assert all(name in result.stdout for name in CANDIDATES)
    registry.configure(home)
    runs = mlflow.search_runs(filter_string="tags.stage = 'model-selection'", output_format="list")
    assert {r.data.tags["candidate"] for r in runs} == set(CANDIDATES)
    assert all("validation.macro_f1" in r.data.metrics for r in runs)
