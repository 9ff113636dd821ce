"""The one way to load a table (CSV or XLSX export) into validated reports.

A :class:`ColumnMapping` (a small JSON file) says which source column feeds which
:class:`~models.report.Report` field and label, plus constants, id and timestamp rules.
:func:`load_table` reads the file, derives ids, masks personal data in ``text`` and
``title`` with :func:`~models.privacy.redactor.mask_pii` before anything else uses them, validates
every row through ``Report`` and returns a DataFrame with exactly
``REPORT_FIELDS + LABEL_FIELDS`` as columns.

Invalid rows are never dropped silently: they raise :class:`DatasetValidationError`
(row numbers, field and reason; never the text), or with ``on_invalid: "skip"`` they are
skipped and counted in ``df.attrs["skipped"]``. Nothing here logs or prints report text.
"""

import hashlib
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.privacy.redactor import PII_PATTERNS, mask_pii_counted
from models.report import REPORT_FIELDS, Report
from training.datasets.errors import DatasetError, DatasetUnavailableError, MappingError
from training.datasets.labels import LABEL_RECODE_FIELDS, LabelNormaliser

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
_ROWS_PER_REASON = 10

Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one row failed: file, 1-based data row number (row 1 is the first row under the header), field
    (the report field, or a source column) and reason."""

    row: int
    field: str
    reason: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" if self.file else f"row {self.row}"
        return f"{where}: {self.field}: {self.reason}"


class DatasetValidationError(DatasetError, ValueError):
    """Rows of a table failed validation; lists files, row numbers, fields and reasons, never text."""

    def __init__(self, source: str, errors: list[RowError], rows_read: int) -> None:
        self.source = source
        self.errors = errors
        self.rows_read = rows_read
        bad_rows = len({(e.file, e.row) for e in errors})
        shown = "; ".join(str(e) for e in errors[:_ERRORS_IN_MESSAGE])
        more = f"; ... ({len(errors) - _ERRORS_IN_MESSAGE} more)" if len(errors) > _ERRORS_IN_MESSAGE else ""
        super().__init__(
            f"{bad_rows} of {rows_read} rows in {source} failed validation "
            f"(row numbers are 1-based data rows, header not counted): {shown}{more}. "
            f"{_fix_hint(errors)}Fix the source or the mapping, or set on_invalid to 'skip' to skip and count them."
        )


def _fix_hint(errors: list[RowError]) -> str:
    """The fix for the most common failure, when the mapping can provide it."""
    fields = {e.field for e in errors}
    if "created_at" in fields:
        return (
            "For created_at, set timestamp_format to the strptime format of the dates as the file writes them "
            "(and time_column, with time_format, for a time of day in its own column). "
        )
    if "id" in fields and any(e.reason.startswith("duplicate id") for e in errors):
        return "Ids must be unique over every file: map another id column, or derive ids with id_from. "
    return ""


class ColumnMapping(BaseModel):
    """How one export's columns become report fields and labels (loaded from JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, description="Dataset name this mapping belongs to.")
    file: str | list[str] | None = Field(
        default=None,
        description="The export: one path, or several paths or glob patterns (e.g. 'exports/*.xlsx'), relative to "
        "the mapping's folder (for a registered dataset: to the dataset root). Files are read in the order given, "
        "each pattern's matches sorted by name.",
    )
    notes: str | None = Field(default=None, description="Why the mapping is the way it is.")
    format: Literal["csv", "xlsx"] | None = Field(default=None, description="Default: from the file suffix.")
    header_row: int = Field(
        default=1,
        ge=1,
        description="Line of the sheet (or CSV) holding the column names, 1-based; lines above it (a title block) "
        "are ignored.",
    )
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
        default=None,
        description="strptime format of the created_at column when it holds text (e.g. '%d/%m/%Y %H:%M'); default "
        "ISO 8601. Spreadsheet date cells need none.",
    )
    time_column: str | None = Field(
        default=None,
        description="Source column holding the time of day when columns.created_at holds only the date; an empty "
        "time cell means midnight.",
    )
    time_format: str = Field(
        default="%H:%M",
        description="strptime format of time_column when it holds text (e.g. '%H.%M'); spreadsheet time cells "
        "need none.",
    )
    timezone: str | None = Field(
        default=None, description="IANA zone: naive timestamps are local time there, aware ones are converted."
    )
    csv_sep: str = Field(default=",", min_length=1, description="Column separator of a CSV file.")
    encoding: str = Field(default="utf-8", description="Text encoding of a CSV file (e.g. 'cp1252').")
    sheet_name: str | int = Field(default=0, description="Sheet of an XLSX file: its name or 0-based position.")
    on_invalid: Literal["raise", "skip"] = Field(
        default="raise",
        description="Rows that cannot be a report: 'raise' stops naming them, 'skip' leaves them out and counts "
        "them per reason.",
    )
    literal_newlines: bool = Field(
        default=False,
        description="The export wrote line breaks as a literal backslash-n; turn them back into line breaks.",
    )
    include: dict[str, list[Scalar]] = Field(
        default_factory=dict,
        description="Source column -> values: only rows whose cell is one of them are read (case and spacing "
        "ignored); the others are counted as filtered.",
    )
    exclude: dict[str, list[Scalar]] = Field(
        default_factory=dict,
        description="Source column -> values: rows whose cell is one of them are left out (case and spacing "
        "ignored) and counted as filtered.",
    )
    recode: dict[str, dict[str, str | None]] = Field(
        default_factory=dict,
        description="Label field (label_category, label_agency or category) -> {spelling in the export: label}; "
        "null leaves the label empty.",
    )
    fold_label_spelling: bool = Field(
        default=False,
        description="Labels that differ only in case or spacing are one label, spelled as its most frequent form; "
        "recode keys then match ignoring case and spacing too.",
    )

    @field_validator("columns", "constants", "fill_from")
    @classmethod
    def _known_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(OUTPUT_COLUMNS))
        if unknown:
            raise ValueError(f"unknown target fields {unknown}; known: {list(OUTPUT_COLUMNS)}")
        return value

    @field_validator("recode")
    @classmethod
    def _recodable_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(LABEL_RECODE_FIELDS))
        if unknown:
            raise ValueError(f"recode takes the fields {list(LABEL_RECODE_FIELDS)}, got {unknown}")
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
        if self.time_column is not None and "created_at" not in self.columns:
            raise ValueError("time_column needs columns.created_at (the column holding the date)")
        for field, sources in self.fill_from.items():
            unknown = sorted(set(sources) - set(OUTPUT_COLUMNS))
            if unknown or field in sources:
                raise ValueError(f"fill_from.{field} must list other known fields, got {sources}")
        return self

    @classmethod
    def from_json(cls, path: Path) -> "ColumnMapping":
        return cls.model_validate_json(Path(path).read_bytes())

    @property
    def files(self) -> list[str]:
        """The paths or glob patterns of ``file``, as a list."""
        if self.file is None:
            return []
        return [self.file] if isinstance(self.file, str) else list(self.file)

    @property
    def source_columns(self) -> list[str]:
        """Every source column the mapping reads, in first-use order."""
        cols = list(self.columns.values()) + list(self.id_from or [])
        cols += [self.time_column] if self.time_column else []
        cols += list(self.include) + list(self.exclude)
        return list(dict.fromkeys(cols))


def load_table(path: Path | Sequence[Path], mapping: ColumnMapping) -> pd.DataFrame:
    """Read one CSV/XLSX export, or several with the same columns, into validated, PII-masked reports.

    Returns a frame with columns :data:`OUTPUT_COLUMNS` (labels ``None`` where absent), the files' reports in
    the order of `path`, and ``attrs``: ``source`` (file names), ``rows_read``, ``filtered`` (rows left out by
    ``include``/``exclude``), ``skipped``, ``invalid`` (first :data:`_ERRORS_KEPT` :class:`RowError` as dicts),
    ``skip_reasons`` (per reason: rows and the first row numbers), ``pii_masked`` (rows masked per kind),
    ``files`` (per file: rows read, filtered, skipped, loaded) and ``labels`` (what recoding and spelling
    folding changed).
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    if not paths:
        raise MappingError("no file to read: the mapping's 'file' names none")
    reader = _RowReader(mapping)
    for file in paths:
        reader.read(file)
    source = ", ".join(p.name for p in paths)
    rows_read = sum(f["rows_read"] for f in reader.files)
    if reader.errors and mapping.on_invalid == "raise":
        raise DatasetValidationError(source, reader.errors, rows_read)

    df = pd.DataFrame.from_records(reader.records, columns=list(OUTPUT_COLUMNS))
    df = df.astype({"lat": "float64", "lon": "float64", "private": "bool"})
    label_changes = LabelNormaliser(mapping.recode, mapping.fold_label_spelling).apply(df)
    df.attrs.update(
        source=source,
        rows_read=rows_read,
        filtered=sum(f["filtered"] for f in reader.files),
        skipped=sum(f["skipped"] for f in reader.files),
        invalid=[_as_dict(e) for e in reader.errors[:_ERRORS_KEPT]],
        skip_reasons=reader.skip_reasons(),
        pii_masked=reader.pii_rows,
        files=reader.files,
        labels=label_changes,
    )
    log.info(
        "loaded %d of %d rows from %s (%d skipped as invalid, %d filtered)",
        len(df),
        rows_read,
        source,
        df.attrs["skipped"],
        df.attrs["filtered"],
    )
    return df


class _RowReader:
    """Reads files one after another into report records; ids must be unique over all of them."""

    def __init__(self, mapping: ColumnMapping) -> None:
        self.mapping = mapping
        self.zone = ZoneInfo(mapping.timezone) if mapping.timezone else None
        self.records: list[dict[str, Any]] = []
        self.errors: list[RowError] = []
        self.files: list[dict[str, Any]] = []
        self.pii_rows = {p.kind: 0 for p in PII_PATTERNS}
        self._first_row_of_id: dict[str, str] = {}
        self._include = {col: {_fold(v) for v in values} for col, values in mapping.include.items()}
        self._exclude = {col: {_fold(v) for v in values} for col, values in mapping.exclude.items()}

    def read(self, path: Path) -> None:
        mapping = self.mapping
        raw = _read(path, mapping)
        missing = [c for c in mapping.source_columns if c not in raw.columns]
        if missing:
            raise MappingError(
                f"{path.name}: mapped column(s) {missing} not found in header row {mapping.header_row}; the file has "
                f"{_shown_columns(raw.columns)}. Fix the mapping's column names, or set header_row to the line "
                "holding the column names"
            )
        n = len(raw)
        keep = [self._kept(raw, i) for i in range(n)]
        cells = {col: raw[col].tolist() for col in mapping.source_columns}
        ids = _ids(cells, mapping, n)

        # Mask text fields first: after this point no raw text exists outside `raw`/`cells`.
        fields: dict[str, list[Any]] = {}
        for field, col in mapping.columns.items():
            if field == "id":
                continue
            values = [_clean(v) if keep[i] else None for i, v in enumerate(cells[col])]
            if field in _MASKED_FIELDS:
                values = [_mask(v, self.pii_rows) for v in values]
                if mapping.literal_newlines:
                    values = [v.replace("\\n", "\n") if isinstance(v, str) else v for v in values]
            fields[field] = values
        times = [_clean(v) for v in cells[mapping.time_column]] if mapping.time_column else None
        del raw, cells

        loaded_before = len(self.records)
        for i in range(n):
            if keep[i]:
                self._row(path.name, i + 1, ids[i], fields, times[i] if times else None, i)
        filtered = keep.count(False)
        loaded = len(self.records) - loaded_before
        self.files.append(
            {
                "file": path.name,
                "rows_read": n,
                "filtered": filtered,
                "skipped": n - filtered - loaded,
                "loaded": loaded,
            }
        )
        if "created_at" in fields and n > filtered and all(v is None for v in fields["created_at"]):
            raise MappingError(
                f"{path.name}: column {mapping.columns['created_at']!r} (created_at) is empty in all {n - filtered} "
                "rows; map columns.created_at to the column holding the dates (and time_column to the one holding "
                "the time, if separate): training splits the reports by time"
            )

    def _kept(self, raw: pd.DataFrame, i: int) -> bool:
        for col, allowed in self._include.items():
            if _fold(raw[col].iat[i]) not in allowed:
                return False
        return not any(_fold(raw[col].iat[i]) in left_out for col, left_out in self._exclude.items())

    def _row(self, file: str, row: int, report_id: str | None, fields: dict[str, list[Any]], time_of_day, i) -> None:
        """Validate one row into a record, or into errors."""
        mapping = self.mapping
        values: dict[str, Any] = {"id": report_id}
        values.update(mapping.constants)
        row_errors: list[RowError] = []
        for field, column in fields.items():
            value = column[i]
            if field == "created_at" and value is not None:
                try:
                    value = _timestamp(value, mapping.timestamp_format, self.zone)
                    if mapping.time_column is not None:
                        # Date and time in two columns: the date of one, the time of day of the other.
                        clock = _time_of_day(time_of_day, mapping.time_format)
                        value = value.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
                except ValueError as exc:
                    row_errors.append(RowError(row, field, str(exc), file))
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
                row_errors.append(RowError(row, field, f"longer than {_MAX_LABEL_CHARS} characters", file))
        try:
            report = Report.model_validate(values)
        except ValidationError as exc:
            row_errors.extend(_row_errors(row, exc, file))
            report = None
        if report is not None and not row_errors:
            first = self._first_row_of_id.get(report.id)
            if first is not None:
                first_here = first.removeprefix(f"{file} ")
                row_errors.append(RowError(row, "id", f"duplicate id (first seen in {first_here})", file))
            else:
                self._first_row_of_id[report.id] = f"{file} row {row}"
        if row_errors:
            self.errors.extend(row_errors)
            return
        self.records.append(report.model_dump() | labels)

    def skip_reasons(self) -> dict[str, dict[str, Any]]:
        """Per reason (field and reason, never a value): how many rows, and the first row numbers."""
        reasons: dict[str, dict[str, Any]] = {}
        for error in self.errors:
            entry = reasons.setdefault(f"{error.field}: {error.reason}", {"rows": 0, "first_rows": []})
            entry["rows"] += 1
            if len(entry["first_rows"]) < _ROWS_PER_REASON:
                entry["first_rows"].append(f"{error.file} row {error.row}")
        return reasons


def _shown_columns(columns) -> list[str]:
    names = [str(c) for c in columns]
    return names[:12] + [f"... ({len(names) - 12} more)"] if len(names) > 12 else names


def _fold(value: Any) -> str:
    """A cell as a filter compares it: case and spacing ignored, 12.0 as 12, empty as ''."""
    value = _clean(value)
    return "" if value is None else " ".join(_as_str(value).split()).casefold()


def _read(path: Path, mapping: ColumnMapping) -> pd.DataFrame:
    fmt = mapping.format or {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}.get(path.suffix.lower())
    if fmt is None:
        raise MappingError(f"{path.name}: cannot tell the format from the suffix; set 'format' in the mapping")
    if not path.is_file():
        raise DatasetUnavailableError(f"table not found: {path}; fix the mapping's 'file'")
    skip = mapping.header_row - 1
    if fmt == "csv":
        try:
            # Every cell as the exact string in the file: derived ids hash what the file says.
            return pd.read_csv(
                path,
                sep=mapping.csv_sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding=mapping.encoding,
                skiprows=skip,
            )
        except UnicodeDecodeError as exc:
            raise MappingError(
                f"{path.name}: byte {exc.start} is not {mapping.encoding}; set 'encoding' in the mapping "
                "(e.g. 'cp1252' or 'latin-1' for a file saved by older Excel)"
            ) from None
        except pd.errors.ParserError as exc:
            raise MappingError(
                f"{path.name}: cannot read as CSV with csv_sep {mapping.csv_sep!r} and header_row "
                f"{mapping.header_row} ({exc}); fix csv_sep or header_row"
            ) from None
    try:
        return pd.read_excel(path, sheet_name=mapping.sheet_name, dtype=object, engine="calamine", skiprows=skip)
    except ValueError as exc:
        if "Worksheet" not in str(exc):
            raise
        raise MappingError(f"{path.name}: {exc}; set sheet_name to a sheet's name or its 0-based position") from None


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


def _time_of_day(value: Any, fmt: str) -> time:
    """A time cell: a spreadsheet time, a fraction of a day, or text in `fmt`; empty is midnight."""
    if value is None:
        return time()
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, float) and 0 <= value < 1:
        seconds = round(value * 86_400)
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    try:
        return datetime.strptime(_as_str(value), fmt).time()
    except ValueError:
        raise ValueError(f"cannot parse the time with time_format {fmt!r}") from None


def _row_errors(row: int, exc: ValidationError, file: str | None = None) -> list[RowError]:
    """Field and reason of each pydantic error, without the offending input."""
    out = []
    for err in exc.errors(include_url=False, include_input=True):
        field = ".".join(str(part) for part in err["loc"]) or "report"
        if err["type"] in {"string_type", "missing"} and err.get("input") is None:
            reason = "missing (empty in the source)"
        else:
            reason = err["msg"]
        out.append(RowError(row, field, reason, file))
    return out


def _as_dict(error: RowError) -> dict[str, Any]:
    return {"file": error.file, "row": error.row, "field": error.field, "reason": error.reason}
