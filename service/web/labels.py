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
    "category_corrected": "Kategori dikoreksi: instansi ikut berubah",
}

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


def location_verdict(value: str) -> str:
    return LOCATION_VERDICT.get(value, value)
