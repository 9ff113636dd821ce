"""The `triase` command: train, evaluate, audit, promote and serve models.

Each command imports what it needs (MLflow, scikit-learn, the training stages) when it runs, so a quick
command such as `triase data check` does not wait for the others' imports.
"""

import getpass
import json
import logging
import os
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from tqdm import tqdm
from typer.core import TyperGroup

from models.errors import TriaseError
from service.config import ServiceSettings, get_service_settings

if TYPE_CHECKING:
    from training.train import RareCategories, TrainResult

log = logging.getLogger(__name__)


class _Commands(TyperGroup):
    """Every command: a :class:`TriaseError` (bad input or setup) is one line on stderr and exit status 1;
    ``--verbose``, on the commands that take it, adds the traceback."""

    def main(self, args=None, *rest, **kwargs):
        argv = list(sys.argv[1:] if args is None else args)
        try:
            return super().main(argv, *rest, **kwargs)
        except TriaseError as exc:
            if "--verbose" in argv:
                traceback.print_exc()
            typer.echo(f"error: {exc}", err=True)
            sys.exit(1)


app = typer.Typer(cls=_Commands, help="triase: ML triage for citizen complaint reports.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys of the service (intake, reviewer, admin).", no_args_is_help=True)
db_app = typer.Typer(help="The service database.", no_args_is_help=True)
data_app = typer.Typer(help="The data a model is trained on.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(db_app, name="db")
app.add_typer(data_app, name="data")

DATASET_HELP = (
    "Registered dataset name (surabaya_mediacenter, demo, ...), the path of a column mapping JSON, or of a folder "
    "holding mapping.json (also a folder of that name under TRIASE_DATA_DIR); see docs/datasets.md."
)
RARE_HELP = (
    "What to do with categories under TRIASE_MIN_REPORTS_PER_CATEGORY: 'fold' them into 'Lainnya' (what the "
    "service needs) or 'drop' them (the published baseline's protocol). Agencies under "
    "TRIASE_MIN_REPORTS_PER_AGENCY are always folded."
)

TRAINING_STAGES = 4


def _configure_logging(verbose: bool, quiet: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # MLflow and alembic narrate every migration of the embedded store; keep their warnings only.
    for noisy in ("alembic", "mlflow"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _reviewer_labels(settings: ServiceSettings):
    """Labels from the review queue, where the service's database exists."""
    from sqlalchemy.engine import make_url

    from service.queue.export import reviewer_labels

    url = make_url(settings.database)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        return None
    labels = reviewer_labels(_database(settings))
    typer.echo(f"{len(labels)} reports labelled by reviewers are included")
    return labels


def _train_with_progress(
    settings: ServiceSettings,
    dataset: str | None,
    register: bool,
    rare: "RareCategories" = "fold",
    decisions: bool = True,
) -> "TrainResult":
    from training.train import train

    labels = _reviewer_labels(settings) if decisions else None
    with tqdm(total=TRAINING_STAGES, desc="training", unit="stage", bar_format="{l_bar}{bar}| {n}/{total}") as bar:
        stages_started = 0

        def progress(stage: str) -> None:
            nonlocal stages_started
            if stages_started:
                bar.update(1)
            stages_started += 1
            bar.set_description(stage)

        result = train(
            settings, dataset=dataset, register=register, rare=rare, progress=progress, reviewer_labels=labels
        )
        bar.update(bar.total - bar.n)
    return result


def _echo_sections(sections: Mapping[str, Any], indent: int = 1) -> None:
    """Every number of the sections, nested ones indented under their name (lists, such as curves, are left
    to --json)."""
    for key, value in sections.items():
        pad = "  " * indent
        if isinstance(value, Mapping):
            typer.echo(f"{pad}{key}")
            _echo_sections(value, indent + 1)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            typer.echo(f"{pad}{key:<28} {value:.4g}")


def _print_result(result: "TrainResult") -> None:
    typer.echo(f"dataset: {result.dataset} ({result.n_categories} categories); test-split metrics:")
    _echo_sections(result.metrics)
    typer.echo(f"MLflow run {result.run_id}" + (f", registered as version {result.version}" if result.version else ""))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command("train")
def train_command(
    dataset: Annotated[
        str | None,
        typer.Option(help=DATASET_HELP + " Default: Surabaya when present, else the demo set."),
    ] = None,
    register: Annotated[bool, typer.Option(help="Register the trained model in MLflow.")] = True,
    promote: Annotated[bool, typer.Option(help="Make the new version the champion right away.")] = False,
    rare: Annotated[str, typer.Option(help=RARE_HELP)] = "fold",
    decisions: Annotated[
        bool, typer.Option(help="Include reviewers' decisions from the service database as labels.")
    ] = True,
    verbose: bool = False,
) -> None:
    """Train the triage model, print its test metrics and log the run to MLflow."""
    from training import registry

    _configure_logging(verbose)
    settings = get_service_settings()
    if rare not in ("fold", "drop"):
        raise typer.BadParameter(f"--rare must be 'fold' or 'drop', got {rare!r}")
    result = _train_with_progress(settings, dataset, register, rare, decisions)
    _print_result(result)
    _audit(
        settings,
        "model.trained",
        "model",
        settings.model_name,
        {"version": result.version, "run_id": result.run_id, "dataset": result.dataset, "decisions": decisions},
    )
    if promote and result.version:
        registry.promote(registry.configure(settings), settings.model_name, result.version)
        _audit(settings, "model.promoted", "model", settings.model_name, {"version": result.version})
        typer.echo(f"version {result.version} is now the champion")


@app.command("evaluate")
def evaluate_command(
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout, for scripts.")] = False,
    log: Annotated[bool, typer.Option(help="Log the evaluation and its plots to MLflow.")] = True,
    skip: Annotated[
        list[str] | None,
        typer.Option(
            help="Leave out a section: duplicates, vague or pii (repeatable). The first duplicates evaluation on a "
            "machine embeds every report of both exports (about 10 minutes on 2 cores; cached after)."
        ),
    ] = None,
    duplicates_handwritten: Annotated[
        Path | None,
        typer.Option(
            help="Hand-written duplicate pairs (JSONL, format in data/annotations/duplicates_guidelines.md) for the "
            "duplicates section; default data/annotations/duplicates_handwritten.jsonl."
        ),
    ] = None,
    duplicates_part: Annotated[
        str | None,
        typer.Option(help="Part of the hand-written duplicate pairs to score (default heldout), e.g. test."),
    ] = None,
) -> None:
    """Evaluate the champion model on its test split: every section, with plots logged to MLflow."""
    from training import registry
    from training.evaluate import evaluate_champion
    from training.train import mismatch_warnings

    _configure_logging(False, quiet=json_output)
    settings = get_service_settings()
    try:
        result = evaluate_champion(settings, log_to_mlflow=log)
    except (registry.RegistryError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    unknown = set(skip or ()) - set(SIGNAL_SECTIONS)
    if unknown:
        raise typer.BadParameter(f"--skip takes {', '.join(SIGNAL_SECTIONS)}; got {', '.join(sorted(unknown))}")
    handwritten = {"handwritten": duplicates_handwritten, "handwritten_part": duplicates_part}
    result.update(_signal_sections(settings, log, skip=set(skip or ()), handwritten=handwritten))
    if json_output:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    details = result.pop("category_details")
    typer.echo(f"model {result.pop('model')} on {result.pop('dataset')} (test split)")
    _echo_sections(result)
    curve = ", ".join(f"{p['coverage']:.0%} {p['accuracy']:.3f}" for p in details["coverage_curve"])
    typer.echo(f"  coverage -> accuracy: {curve}")
    typer.echo("  per category (f1, support), worst first:")
    for label, row in sorted(details["per_class"].items(), key=lambda item: item[1]["f1"]):
        typer.echo(f"    {row['f1']:.2f} {row['support']:>5}  {label}")
    if details["unseen_labels"]["n"]:
        unseen = details["unseen_labels"]
        typer.echo(
            f"  {unseen['n']} test reports carry categories never seen in training: {', '.join(unseen['labels'])}"
        )
    for warning in mismatch_warnings(result, settings):
        typer.echo(f"warning: {warning}", err=True)


@data_app.command("check")
def data_check_command(
    dataset: Annotated[str, typer.Argument(help=DATASET_HELP)],
    rare: Annotated[str, typer.Option(help=RARE_HELP)] = "fold",
    verbose: Annotated[bool, typer.Option(help="Log every step, and print the traceback of an error.")] = False,
) -> None:
    """Load a dataset as training would, without training: rows read and skipped (and why), labels and what the
    minimum counts do to them, the time range, the split's periods and make-up, personal data masked per kind,
    and every warning. Prints counts, labels, dates and row numbers only, never report text."""
    from training.datasets.check import check_dataset

    _configure_logging(verbose, quiet=not verbose)
    if rare not in ("fold", "drop"):
        raise typer.BadParameter(f"--rare must be 'fold' or 'drop', got {rare!r}")
    for line in check_dataset(dataset, get_service_settings(), rare).lines():
        typer.echo(line)


SIGNAL_SECTIONS = ("duplicates", "vague", "pii")


def _signal_sections(
    settings: ServiceSettings, log_to_mlflow: bool, skip: set[str], handwritten: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The duplicate, vague and PII sections: measured on the annotations where the real exports are present."""
    import mlflow

    from training import registry
    from training.datasets import DatasetUnavailableError
    from training.evaluate_duplicates import evaluate_duplicates
    from training.evaluate_pii import KINDS, pii_section
    from training.evaluate_vague import evaluate_vague

    sections: dict[str, Any] = {}
    try:
        if "duplicates" not in skip:
            sections.update(evaluate_duplicates(settings, **(handwritten or {})))
    except FileNotFoundError as exc:  # DuplicatesUnavailableError and DatasetUnavailableError
        log.warning("duplicates section skipped: %s", exc)
    try:
        if "vague" not in skip:
            sections["vague"] = evaluate_vague(settings)
    except DatasetUnavailableError as exc:
        log.warning("vague section skipped: %s", exc)
    try:
        figures = {} if "pii" in skip else pii_section(settings)
        if figures:
            sections["pii"] = {
                "recall": {kind: figures[f"test_recall_{kind}"] for kind in KINDS},
                "precision": figures["test_precision"],
                "name": {"recall": figures["test_recall_nama"]},
                "self_name": {
                    "recall": figures["test_self_name_recall"],
                    "precision": figures["test_self_name_precision"],
                },
                **figures,
            }
    except FileNotFoundError as exc:
        log.warning("pii section skipped: %s", exc)
    if log_to_mlflow and sections:
        registry.configure(settings)
        with mlflow.start_run(run_name="evaluate-signals"):
            mlflow.log_metrics(
                {
                    f"{section}.{key}": float(value)
                    for section, values in sections.items()
                    for key, value in values.items()
                    if isinstance(value, (int, float)) and not isinstance(value, bool)
                }
            )
    return sections


@app.command("select")
def select_command(
    dataset: Annotated[str | None, typer.Option(help=DATASET_HELP + " Default as for train.")] = None,
) -> None:
    """Score the candidate classifiers on the validation split, one MLflow run each, best first."""
    from training.select import select
    from training.train import default_dataset

    _configure_logging(False)
    settings = get_service_settings()
    table = select(settings, dataset or default_dataset(settings))
    typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


@app.command("audit")
def audit_command(
    out: Annotated[Path, typer.Option(help="CSV to write: id, given_label, suggested_label, score.")] = Path(
        "label_audit.csv"
    ),
    dataset: Annotated[str | None, typer.Option(help=DATASET_HELP + " Default as for train.")] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
) -> None:
    """Rank historical reports whose recorded category is probably wrong (confident learning)."""
    import mlflow

    from models.category import TextClassifier
    from training import registry
    from training.audit import audit_labels
    from training.datasets import load_dataset, min_reports_per_category
    from training.train import default_dataset

    _configure_logging(False)
    settings = get_service_settings()
    dataset = dataset or default_dataset(settings)
    frame = load_dataset(dataset, settings)
    result = audit_labels(frame, TextClassifier(), min_reports_per_category(dataset, settings), folds=folds)
    result.issues.to_csv(out, index=False)
    registry.configure(settings)
    with mlflow.start_run(run_name=f"audit-{dataset}"):
        mlflow.log_params({"dataset": dataset, "folds": folds})
        mlflow.log_metrics({"n_audited": result.n_audited, "n_suspected": len(result.issues)})
        mlflow.log_artifact(str(out))
    typer.echo(f"{len(result.issues)} of {result.n_audited} reports have a suspect category; written to {out}")


@app.command("embedder")
def embedder_command() -> None:
    """Build (once) and check the multilingual-e5-small sentence-transformers model in TRIASE_EMBEDDER_CACHE_DIR."""
    from models.embedder import load_embedder  # imports torch: slow, and only this command needs it

    _configure_logging(False)
    settings = get_service_settings()
    model = load_embedder(settings.embedder_dir)
    vectors = model.encode(["Lampu PJU mati", "Penerangan jalan umum padam"], prompt_name="query")
    typer.echo(
        f"embedder ready in {settings.embedder_dir} (dim {vectors.shape[1]}, "
        f"cosine of a paraphrase pair {float(vectors[0] @ vectors[1]):.3f})"
    )


@app.command("promote")
def promote_command(
    version: Annotated[str | None, typer.Argument(help="Version to promote (default: the newest).")] = None,
) -> None:
    """Point the `champion` alias at a registered model version."""
    from training import registry

    _configure_logging(False)
    settings = get_service_settings()
    try:
        promoted = registry.promote(registry.configure(settings), settings.model_name, version)
    except registry.RegistryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    _audit(settings, "model.promoted", "model", settings.model_name, {"version": promoted})
    typer.echo(f"{settings.model_name} version {promoted} is now the champion")


@app.command("models")
def models_command() -> None:
    """List registered model versions, marking the champion."""
    from training import registry

    _configure_logging(False)
    settings = get_service_settings()
    client = registry.configure(settings)
    champion = registry.champion_version(client, settings.model_name)
    versions = client.search_model_versions(f"name = '{settings.model_name}'")
    if not versions:
        typer.echo(f"no versions of {settings.model_name} registered yet")
    for v in sorted(versions, key=lambda v: int(v.version)):
        marker = "  <- champion" if str(v.version) == champion else ""
        typer.echo(f"{settings.model_name}/{v.version}  run {v.run_id}  {v.description or ''}{marker}")


def _audit(settings: ServiceSettings, action: str, entity: str, entity_id: str, after: dict | None = None) -> None:
    """Record a data-team step in the service's audit log, so the log tells the whole story of a model."""
    from service.audit.service import record

    with _database(settings).session() as session:
        record(session, f"cli:{getpass.getuser()}", action, entity, entity_id, after=after)


def _database(settings: ServiceSettings):
    from service.database.core import Database
    from service.database.migrate import upgrade

    database = Database(settings.database)
    upgrade(database)
    return database


@app.command("export-decisions")
def export_decisions_command(
    out: Annotated[Path, typer.Option(help="File to write; .csv or .jsonl.")] = Path("decisions.csv"),
) -> None:
    """Write every reviewer decision and personal-data mask (one row each, no free-text comments, no text, times
    in TRIASE_TIME_ZONE) for the data team; masks are redactor training spans (training.reviewer_masks)."""
    from service.queue.export import decisions_frame

    _configure_logging(False)
    settings = get_service_settings()
    frame = decisions_frame(_database(settings), settings.zone)
    if out.suffix == ".jsonl":
        frame.to_json(out, orient="records", lines=True, force_ascii=False)
    elif out.suffix == ".csv":
        frame.to_csv(out, index=False)
    else:
        raise typer.BadParameter(f"--out must end in .csv or .jsonl, got {out.name}")
    _audit(settings, "decisions.exported", "decisions", out.name, {"rows": len(frame)})
    typer.echo(f"{len(frame)} decisions written to {out}")


@keys_app.command("create")
def keys_create_command(
    name: Annotated[str, typer.Option(help="Who holds the key; shown in the audit log and to other reviewers.")],
    role: Annotated[str, typer.Option(help="intake, reviewer or admin.")],
) -> None:
    """Create an API key and print it (the only time it is shown)."""
    from service.auth.models import Role
    from service.auth.service import KeyNameTaken, create_key

    _configure_logging(False)
    try:
        role_value = Role(role)
    except ValueError as exc:
        raise typer.BadParameter(f"--role must be one of {', '.join(r.value for r in Role)}") from exc
    try:
        with _database(get_service_settings()).session() as session:
            key = create_key(session, name, role_value, actor="cli")
    except KeyNameTaken as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(key)


@keys_app.command("list")
def keys_list_command() -> None:
    """List key names, roles and whether they are revoked (never the keys)."""
    from sqlalchemy import select

    from service.auth.models import ApiKey

    _configure_logging(False)
    with _database(get_service_settings()).session() as session:
        for key in session.scalars(select(ApiKey).order_by(ApiKey.name)).all():
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            typer.echo(f"{key.name:<30} {key.role.value:<9} {state}")


@keys_app.command("revoke")
def keys_revoke_command(name: Annotated[str, typer.Argument(help="Name of the key to revoke.")]) -> None:
    """Revoke an API key at once."""
    from service.auth.service import revoke_key

    _configure_logging(False)
    with _database(get_service_settings()).session() as session:
        if not revoke_key(session, name, actor="cli"):
            typer.echo(f"error: no active key named {name!r}", err=True)
            raise typer.Exit(1)
    typer.echo(f"revoked {name}")


@db_app.command("upgrade")
def db_upgrade_command() -> None:
    """Apply the database migrations (the service also does this on start-up)."""
    from service.database.migrate import current_revision

    _configure_logging(False)
    database = _database(get_service_settings())
    typer.echo(f"database at revision {current_revision(database)}")


@app.command("serve")
def serve_command(
    host: Annotated[str | None, typer.Option(help="Interface to bind (TRIASE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (TRIASE_PORT).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes on the port; each is a replica deciding on the database's reports (use "
            "PostgreSQL: SQLite serialises their writes).",
        ),
    ] = 1,
    verbose: bool = False,
) -> None:
    """Serve the champion model; trains and promotes a default model first when none exists."""
    import uvicorn

    from service.auth.bootstrap import ensure_admin_key
    from service.database.core import Database
    from service.database.migrate import upgrade
    from service.main import create_app
    from service.reports.identity import reporter_hash_key
    from training import registry

    _configure_logging(verbose)
    settings = get_service_settings()
    client = registry.configure(settings)
    if registry.champion_version(client, settings.model_name) is None:
        typer.echo("No champion model registered yet: training the default model first.")
        result = _train_with_progress(settings, dataset=None, register=True)
        _print_result(result)
        registry.promote(client, settings.model_name, result.version)
    host, port = host or settings.host, port or settings.port
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    # Migrate and create the first keys once, here, so the workers do not race to do it; each worker builds its
    # app from the same environment (TRIASE_*), loads the champion and catches up from the database.
    database = Database(settings.database)
    upgrade(database)
    ensure_admin_key(database, settings)
    database.dispose()
    reporter_hash_key(settings)
    # The workers' encoders would each take the cores their own worker leaves idle while the others compute.
    os.environ.setdefault("TRIASE_ENCODER_IDLE_THREADS", str(settings.encoder_threads))
    uvicorn.run("service.main:create_app", factory=True, workers=workers, host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
