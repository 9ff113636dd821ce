"""The one way to load a table (CSV or XLSX export) into validated reports.

A :class:`ColumnMapping` (a small JSON file) says which source column feeds which
:class:`~models.report.Report` field and label, plus constants, id and timestamp rules.
:func:`load_table` reads the file, derives ids, masks personal data in ``text`` and
``title`` with :func:`~models.privacy.mask_pii` before anything else uses them, validates
every row through ``Report`` and returns a DataFrame with exactly
``REPORT_FIELDS + LABEL_FIELDS`` as columns.

Invalid rows are never dropped silently: they raise :class:`DatasetValidationError`
(row numbers, field and reason; never the text), or with ``on_invalid: "skip"`` they are
skipped and counted in ``df.attrs["skipped"]``. Nothing here logs or prints report text.
"""

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.privacy import PII_PATTERNS, mask_pii_counted
from models.report import REPORT_FIELDS, Report

__all__ = [
    "LABEL_FIELDS",
    "OUTPUT_COLUMNS",
    "ColumnMapping",
    "DatasetValidationError",
    "MappingError",
    "RowError",
    "load_table",
]

log = logging.getLogger(__name__)

LABEL_FIELDS: tuple[str, ...] = ("label_category", "label_agency")
OUTPUT_COLUMNS: tuple[str, ...] = REPORT_FIELDS + LABEL_FIELDS
"""Columns of every frame :func:`load_table` returns, in this order."""

_MASKED_FIELDS = ("text", "title")
_NON_STRING_FIELDS = frozenset({"created_at", "lat", "lon", "private"})
_MAX_LABEL_CHARS = 200
_ERRORS_IN_MESSAGE = 5
_ERRORS_KEPT = 100

Scalar = str | int | float | bool | None


class MappingError(ValueError):
    """The mapping does not fit the file (e.g. a mapped column is absent)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one row failed: 1-based data row number (header not counted), field, reason."""

    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}"


class DatasetValidationError(ValueError):
    """Rows of a table failed validation; lists row numbers, fields and reasons, never text."""

    def __init__(self, source: str, errors: list[RowError], rows_read: int) -> None:
        self.source = source
        self.errors = errors
        self.rows_read = rows_read
        bad_rows = len({e.row for e in errors})
        shown = "; ".join(str(e) for e in errors[:_ERRORS_IN_MESSAGE])
        more = f"; ... ({len(errors) - _ERRORS_IN_MESSAGE} more)" if len(errors) > _ERRORS_IN_MESSAGE else ""
        super().__init__(
            f"{bad_rows} of {rows_read} rows in {source} failed validation "
            f"(row numbers are 1-based data rows, header not counted): {shown}{more}. "
            "Fix the source or the mapping, or set on_invalid to 'skip' to skip and count them."
        )


class ColumnMapping(BaseModel):
    """How one export's columns become report fields and labels (loaded from JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, description="Dataset name this mapping belongs to.")
    file: str | None = Field(default=None, description="Table path, relative to the dataset root.")
    notes: str | None = Field(default=None, description="Why the mapping is the way it is.")
    format: Literal["csv", "xlsx"] | None = Field(default=None, description="Default: from the file suffix.")
    columns: dict[str, str] = Field(
        default_factory=dict, description="Report field or label field -> source column name."
    )
    constants: dict[str, Scalar] = Field(
        default_factory=dict, description="Report field or label field -> value for every row."
    )
    fill_from: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Field -> fields whose (masked) value is used, in order, when the field is empty.",
    )
    id_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9._:\-]*$", description="Prepended to every id.")
    id_from: list[str] | None = Field(
        default=None,
        min_length=1,
        description="When the export has no id column: source columns whose raw values are hashed "
        "(sha256) into a stable id.",
    )
    id_hash_chars: int = Field(default=16, ge=8, le=64, description="Hex characters of the derived id hash.")
    timestamp_format: str | None = Field(
        default=None, description="strptime format of created_at; default ISO 8601."
    )
    timezone: str | None = Field(
        default=None, description="IANA zone: naive timestamps are local time there, aware ones are converted."
    )
    csv_sep: str = Field(default=",", min_length=1)
    encoding: str = "utf-8"
    sheet_name: str | int = 0
    on_invalid: Literal["raise", "skip"] = "raise"
    literal_newlines: bool = Field(
        default=False,
        description="The export wrote line breaks as a literal backslash-n; turn them back into line breaks.",
    )

    @field_validator("columns", "constants", "fill_from")
    @classmethod
    def _known_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(OUTPUT_COLUMNS))
        if unknown:
            raise ValueError(f"unknown target fields {unknown}; known: {list(OUTPUT_COLUMNS)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "ColumnMapping":
        both = sorted(set(self.columns) & set(self.constants))
        if both:
            raise ValueError(f"fields {both} are given both as a column and as a constant")
        if "id" in self.constants:
            raise ValueError("id cannot be a constant; map an id column or use id_from")
        if ("id" in self.columns) == (self.id_from is not None):
            raise ValueError("give exactly one of columns.id or id_from")
        if "text" not in self.columns:
            raise ValueError("columns.text is required")
        for field, sources in self.fill_from.items():
            unknown = sorted(set(sources) - set(OUTPUT_COLUMNS))
            if unknown or field in sources:
                raise ValueError(f"fill_from.{field} must list other known fields, got {sources}")
        return self

    @classmethod
    def from_json(cls, path: Path) -> "ColumnMapping":
        return cls.model_validate_json(Path(path).read_bytes())

    @property
    def source_columns(self) -> list[str]:
        """Every source column the mapping reads, in first-use order."""
        cols = list(self.columns.values()) + list(self.id_from or [])
        return list(dict.fromkeys(cols))


def load_table(path: Path, mapping: ColumnMapping) -> pd.DataFrame:
    """Read a CSV/XLSX export into validated, PII-masked reports.

    Returns a frame with columns :data:`OUTPUT_COLUMNS` (labels ``None`` where absent) and
    ``attrs``: ``source`` (file name), ``rows_read``, ``skipped``, ``invalid`` (first
    :data:`_ERRORS_KEPT` :class:`RowError` as dicts) and ``pii_masked`` (rows masked per kind).
    """
    path = Path(path)
    raw = _read(path, mapping)
    missing = [c for c in mapping.source_columns if c not in raw.columns]
    if missing:
        raise MappingError(f"{path.name}: mapped columns {missing} not found; the file has {list(raw.columns)}")

    n = len(raw)
    cells = {col: raw[col].tolist() for col in mapping.source_columns}
    ids = _ids(cells, mapping, n)

    # Mask text fields first: after this point no raw text exists outside `raw`/`cells`.
    pii_rows = {p.kind: 0 for p in PII_PATTERNS}
    fields: dict[str, list[Any]] = {}
    for field, col in mapping.columns.items():
        if field == "id":
            continue
        values = [_clean(v) for v in cells[col]]
        if field in _MASKED_FIELDS:
            values = [_mask(v, pii_rows) for v in values]
            if mapping.literal_newlines:
                values = [v.replace("\\n", "\n") if isinstance(v, str) else v for v in values]
        fields[field] = values
    del raw, cells

    tz = ZoneInfo(mapping.timezone) if mapping.timezone else None
    records: list[dict[str, Any]] = []
    errors: list[RowError] = []
    first_row_of_id: dict[str, int] = {}
    for i in range(n):
        row = i + 1
        values: dict[str, Any] = {"id": ids[i]}
        values.update(mapping.constants)
        row_errors: list[RowError] = []
        for field, column in fields.items():
            value = column[i]
            if field == "created_at" and value is not None:
                try:
                    value = _timestamp(value, mapping.timestamp_format, tz)
                except ValueError as exc:
                    row_errors.append(RowError(row, field, str(exc)))
                    value = None
            elif field not in _NON_STRING_FIELDS and value is not None:
                value = _as_str(value)
            values[field] = value
        for field, sources in mapping.fill_from.items():
            if values.get(field) is None:
                values[field] = next((values[s] for s in sources if values.get(s) is not None), None)

        labels = {f: values.pop(f, None) for f in LABEL_FIELDS}
        for field, label in labels.items():
            if label is not None and len(label) > _MAX_LABEL_CHARS:
                row_errors.append(RowError(row, field, f"longer than {_MAX_LABEL_CHARS} characters"))
        try:
            report = Report.model_validate(values)
        except ValidationError as exc:
            row_errors.extend(_row_errors(row, exc))
            report = None
        if report is not None and not row_errors:
            if report.id in first_row_of_id:
                row_errors.append(RowError(row, "id", f"duplicate id (first seen in row {first_row_of_id[report.id]})"))
            else:
                first_row_of_id[report.id] = row
        if row_errors:
            errors.extend(row_errors)
            continue
        records.append(report.model_dump() | labels)

    skipped = n - len(records)
    if errors and mapping.on_invalid == "raise":
        raise DatasetValidationError(path.name, errors, n)

    df = pd.DataFrame.from_records(records, columns=list(OUTPUT_COLUMNS))
    df = df.astype({"lat": "float64", "lon": "float64", "private": "bool"})
    df.attrs.update(
        source=path.name,
        rows_read=n,
        skipped=skipped,
        invalid=[_as_dict(e) for e in errors[:_ERRORS_KEPT]],
        pii_masked=pii_rows,
    )
    log.info("loaded %d of %d rows from %s (%d skipped as invalid)", len(df), n, path.name, skipped)
    return df


def _read(path: Path, mapping: ColumnMapping) -> pd.DataFrame:
    fmt = mapping.format or {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}.get(path.suffix.lower())
    if fmt is None:
        raise MappingError(f"{path.name}: cannot tell the format from the suffix; set 'format' in the mapping")
    if not path.is_file():
        raise FileNotFoundError(f"table not found: {path}")
    if fmt == "csv":
        # Every cell as the exact string in the file: derived ids hash what the file says.
        return pd.read_csv(
            path, sep=mapping.csv_sep, dtype=str, keep_default_na=False, na_filter=False, encoding=mapping.encoding
        )
    return pd.read_excel(path, sheet_name=mapping.sheet_name, dtype=object, engine="openpyxl")


def _ids(cells: dict[str, list[Any]], mapping: ColumnMapping, n: int) -> list[str | None]:
    if mapping.id_from is None:
        raw_ids = (_clean(v) for v in cells[mapping.columns["id"]])
        return [None if v is None else mapping.id_prefix + _as_str(v) for v in raw_ids]
    ids = []
    for i in range(n):
        key = "\x1f".join(_hash_part(cells[col][i]) for col in mapping.id_from)
        ids.append(mapping.id_prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[: mapping.id_hash_chars])
    return ids


def _hash_part(value: Any) -> str:
    """The raw cell as a string, so the id depends on the source bytes, not on masking rules."""
    value = _clean(value, strip=False)
    return "" if value is None else _as_str(value)


def _clean(value: Any, strip: bool = True) -> Any:
    """Empty cells (None, NaN, NaT, blank strings) -> None; pandas timestamps -> datetime."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        return stripped if strip else value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _as_str(value: Any) -> str:
    """Spreadsheet cells as text: 155340.0 -> "155340", datetimes in ISO 8601."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _mask(value: Any, pii_rows: dict[str, int]) -> Any:
    if value is None:
        return None
    masked, counts = mask_pii_counted(_as_str(value))
    for kind, count in counts.items():
        if count:
            pii_rows[kind] += 1
    return masked


def _timestamp(value: Any, fmt: str | None, tz: ZoneInfo | None) -> datetime:
    if isinstance(value, datetime):
        ts = value
    elif isinstance(value, date):
        ts = datetime.combine(value, time())
    else:
        text = _as_str(value)
        try:
            ts = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"cannot parse timestamp with format {fmt!r}" if fmt else "not an ISO 8601 timestamp"
            ) from None
    if tz is not None:
        ts = ts.replace(tzinfo=tz) if ts.tzinfo is None else ts.astimezone(tz)
    return ts


def _row_errors(row: int, exc: ValidationError) -> list[RowError]:
    """Field and reason of each pydantic error, without the offending input."""
    out = []
    for err in exc.errors(include_url=False, include_input=True):
        field = ".".join(str(part) for part in err["loc"]) or "report"
        if err["type"] in {"string_type", "missing"} and err.get("input") is None:
            reason = "missing (empty in the source)"
        else:
            reason = err["msg"]
        out.append(RowError(row, field, reason))
    return out


def _as_dict(error: RowError) -> dict[str, Any]:
    return {"row": error.row, "field": error.field, "reason": error.reason}
