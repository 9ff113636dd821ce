"""Bahasa Indonesia labels for what the reviewer page shows; code and API stay in English."""

from datetime import datetime
from zoneinfo import ZoneInfo

from service.reports.reasons import REASONS

KIND = {
    "category": "Kategori",
    "agency": "Instansi",
    "location": "Lokasi (kelurahan)",
    "vague": "Laporan kurang jelas",
    "duplicate": "Laporan ganda",
}

REASON = {reason.value: text.label for reason, text in REASONS.items()}

PLACE = {True: "tempat sama", False: "tempat berbeda"}
PROBLEM = {True: "masalah sama", False: "masalah berbeda"}

ACTION = {"accept": "Diterima", "reject": "Ditolak", "correct": "Dikoreksi", "merge": "Digabung"}

MASK_KIND = {
    "nama": "Nama",
    "telepon": "Nomor telepon",
    "nik": "NIK / nomor KK",
    "email": "Alamat e-mail",
    "plat": "Pelat nomor kendaraan",
    "alamat": "Alamat rumah",
    "lainnya": "Data pribadi lainnya",
}
"""What a reviewer may mark as personal data (models.masking.MASK_PLACEHOLDERS), in the order offered."""

STATUS = {"auto_accepted": "Diterima otomatis", "in_review": "Perlu ditinjau", "spot_check": "Pemeriksaan acak"}

LOCATION_VERDICT = {
    "match": "Sesuai",
    "mismatch": "Tidak sesuai",
    "ambiguous": "Dekat batas kelurahan",
    "outside": "Di luar wilayah",
    "no_point": "Tanpa titik lokasi",
    "unknown_claim": "Kelurahan tidak dikenal",
    "unknown": "Tidak diperiksa",
}


ERROR_MODEL = {
    "default": "pola kesalahan warga bawaan (ambang berlaku untuk salah pilih di instansi yang sama maupun lain)",
    "learned": "pola kesalahan warga yang dipelajari dari koreksi peninjau",
}

SURE = 0.8
"""From this probability the page calls the model sure ("yakin") rather than leaning ("cenderung")."""


def category_explanation(reason_code: str, evidence: dict) -> str | None:
    """Why a category suggestion is where it is, in one sentence a reviewer can check against the scores."""
    predicted, confidence = evidence.get("predicted"), evidence.get("confidence")
    if predicted is None or confidence is None:
        return None
    citizen = evidence.get("citizen_category")
    citizen_probability = evidence.get("citizen_probability")
    model = f"{predicted} ({_percent(confidence)})"
    if reason_code == "suggest_change":
        return f"Model yakin {model}; warga memilih {citizen} ({_percent(citizen_probability)})."
    if reason_code == "unknown_category":
        return f"Kategori warga {citizen} tidak dikenal model, jadi tidak bisa dinilai; paling mungkin {model}."
    if reason_code == "needs_review":
        chosen = f"{citizen} ({_percent(citizen_probability)})" if citizen_probability is not None else citizen
        if confidence >= SURE:
            return f"Model cenderung ke {model}, tetapi pilihan warga {chosen} masih mungkin."
        return f"Model ragu: paling mungkin {model}; warga memilih {chosen}."
    if reason_code in ("low_confidence", "no_citizen_category"):
        return f"Model ragu: paling mungkin {model}." if confidence < SURE else f"Model yakin {model}."
    if reason_code == "agrees_with_citizen":
        return f"Model setuju dengan pilihan warga ({_percent(confidence)})."
    return None


def error_model(value: str | None) -> str | None:
    return ERROR_MODEL.get(value) if value else None


def _percent(probability: float | None) -> str:
    if probability is None:
        return "tidak dikenal model"
    return f"{probability * 100:.0f}%" if probability >= 0.01 else "<1%"


def kind(value: str) -> str:
    return KIND.get(value, value)


def reason(value: str) -> str:
    return REASON.get(value, value.replace("_", " "))


def action(value: str) -> str:
    return ACTION.get(value, value)


def status(value: str) -> str:
    return STATUS.get(value, value)


def place_and_problem(same_place: bool | None, same_problem: bool | None) -> str:
    """The duplicate evidence as a reviewer reads it, e.g. "tempat sama, masalah berbeda"; "" when both unknown."""
    parts = ((PLACE, same_place), (PROBLEM, same_problem))
    return ", ".join(table[value] for table, value in parts if value is not None)


def location_verdict(value: str) -> str:
    return LOCATION_VERDICT.get(value, value)


def local_time(value: datetime | None, zone: ZoneInfo) -> str:
    """A moment as reviewers in the reporting city read it, with the zone: "01-06-2024 19:30 WIB"."""
    if value is None:
        return "–"
    local = value.astimezone(zone)
    return f"{local:%d-%m-%Y %H:%M} {local.tzname()}"
