"""Service settings: the shared training settings plus what only the HTTP service needs."""

import os
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator

from models.autoaccept import DEFAULT_SPOT_CHECK_RATE
from models.settings import Settings


def _usable_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class ServiceSettings(Settings):
    host: str = Field(default="127.0.0.1", description="Interface `triase serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `triase serve` listens on.")
    max_batch_size: int = Field(default=256, ge=1, le=10_000, description="Most reports in one batch request.")
    max_body_bytes: int = Field(
        default=8_000_000, ge=1024, description="Request bodies larger than this are refused with 413 before parsing."
    )
    top_k: int = Field(default=3, ge=1, le=20, description="Category candidates returned per report.")
    location_margin_m: float = Field(
        default=50.0, ge=0, description="Points this close to a kelurahan boundary are 'ambiguous', not 'mismatch'."
    )

    duplicate_check: bool = Field(
        default=True,
        description="Look for earlier reports of the same problem "
        "(with the sentence vectors the category model computes anyway).",
    )
    encoder_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Threads the encoder process of each `triase serve` worker encodes reports on. One keeps the "
        "encoder steady while its worker parses, masks and stores on another core and other workers share the "
        "cores (vectors are the same on any number); raise it on a machine with cores to spare and a single worker.",
    )
    encoder_idle_threads: int = Field(
        default_factory=_usable_cores,
        ge=1,
        le=64,
        description="Threads the encoder process computes on while its worker has nothing to compute but wait for it "
        "(a batch's last chunks; the other cores are free then); `encoder_threads` otherwise. Default: the cores "
        "this process may run on; `triase serve --workers N` (N > 1) sets it to `encoder_threads` unless it is set.",
    )
    housekeeping_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often the service saves a changed duplicate index (it is also saved on shutdown) and hands "
        "the heap pages it freed back to the operating system.",
    )
    duplicate_catch_up_grace_seconds: float = Field(
        default=60.0,
        ge=0,
        description="Before each duplicate search a replica loads the reports other replicas stored since its "
        "watermark (the latest `received_at` it has read) minus this margin: it covers transactions that commit "
        "after a later one and clocks of replicas that disagree by up to this much.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db; "
        "default is a SQLite file under `home`.",
    )
    reporter_hash_key: SecretStr | None = Field(
        default=None,
        description="Key of the HMAC that stores reporter references; default is a random key kept in "
        "`home`/reporter.key (keep it stable: changing it unlinks earlier reports of the same reporter).",
    )
    auto_accept_category: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Override of the served model's auto-accept thresholds for category suggestions (the citizen's "
        "category confirmed, or the model's choice where the citizen chose none); unset, the model's own thresholds, "
        "chosen at training for TRIASE_AUTO_ACCEPT_TARGET_PRECISION, apply.",
    )
    auto_accept_agency: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Override of the served model's auto-accept threshold for agency suggestions; unset, the "
        "model's own applies.",
    )
    spot_check_rate: float = Field(
        default=DEFAULT_SPOT_CHECK_RATE,
        ge=0,
        le=1,
        description="Share of auto-accepted suggestions still sent to review, to measure their precision.",
    )
    quality_min_precision: float = Field(
        default=0.85,
        ge=0,
        le=1,
        description="A suggestion type whose spot-checked precision falls below this stops being auto-accepted.",
    )
    quality_window: int = Field(
        default=200, ge=1, description="Recent decisions per suggestion type and model version the gate looks at."
    )
    quality_min_decisions: int = Field(
        default=20, ge=1, description="Spot checks needed before the quality gate may close a suggestion type."
    )
    claim_minutes: int = Field(
        default=15, ge=1, description="How long a reviewer's claim on a queue item lasts without a decision."
    )
    model_poll_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How often the service checks the registry for a new champion; 0 turns polling off.",
    )

    time_zone: str = Field(
        default="Asia/Jakarta",
        description="IANA time zone of the reporting city: the reviewer page and the decision export show times in "
        "it (the page with its abbreviation, e.g. WIB); the API keeps ISO 8601 with offsets.",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Jakarta") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'triase.db'}"


@lru_cache
def get_service_settings() -> ServiceSettings:
    return ServiceSettings()
