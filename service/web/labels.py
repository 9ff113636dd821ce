"""Bahasa Indonesia labels for what the reviewer page shows; code and API stay in English."""

KIND = {
    "category": "Kategori",
    "agency": "Instansi",
    "location": "Lokasi (kelurahan)",
    "vague": "Laporan kurang jelas",
    "duplicate": "Laporan ganda",
}

REASON = {
    "suggest_change": "Kategori warga kemungkinan salah",
    "needs_review": "Model ragu",
    "low_confidence": "Keyakinan model rendah",
    "location_mismatch": "Titik lokasi di kelurahan lain",
    "quality_gate": "Presisi model sedang turun",
    "spot_check": "Pemeriksaan acak",
    "vague": "Kurang jelas",
    "likely_duplicate": "Kemungkinan laporan ganda",
    "exact_resubmission": "Laporan dikirim ulang",
    "agrees_with_citizen": "Sesuai pilihan warga",
    "no_citizen_category": "Warga tidak memilih kategori",
    "routing": "Penerusan ke instansi",
}

PLACE = {True: "tempat sama", False: "tempat berbeda"}
PROBLEM = {True: "masalah sama", False: "masalah berbeda"}

ACTION = {"accept": "Diterima", "reject": "Ditolak", "correct": "Dikoreksi", "merge": "Digabung"}

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
