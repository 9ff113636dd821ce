"""Time `triase data check` on a synthetic export of 10,000 rows (target: under 10 s).

Writes the export into a temporary folder: monthly XLSX files with a title block above the header, date and
time in two columns, label spellings to fold, a few cancelled rows to filter and fake personal data (every
report made up), with its mapping.json. Then times the check in this process (loading, masking, validating,
splitting) and the whole `triase data check` command in a fresh process (imports included). Prints figures,
asserts nothing.

    .venv/bin/python benchmarks/data_check.py [--rows 10000] [--files 12] [--format xlsx|csv]
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

HEADER = ["No. Tiket", "Tanggal", "Jam", "Isi Aduan", "Kategori", "Instansi Tujuan", "Kecamatan", "Status"]
PROBLEMS = [
    ("PKL Liar", "Satpol PP", "pedagang kaki lima berjualan di trotoar"),
    ("Jalan Rusak", "Dinas PUPR", "jalan berlubang dan aspal mengelupas"),
    ("Sampah", "Dinas Lingkungan Hidup", "sampah menumpuk tidak diangkut"),
    ("Lampu Jalan", "Dinas Perhubungan", "lampu penerangan jalan mati"),
    ("Drainase", "Dinas PUPR", "saluran air tersumbat dan meluap"),
    ("Air Bersih", "PDAM", "air PDAM tidak mengalir"),
    ("Bansos", "Dinas Sosial", "bantuan sosial belum diterima"),
    ("Administrasi Kependudukan", "Dinas Dukcapil", "pengurusan KTP-el belum selesai"),
]
STREETS = ["Jl. Mawar", "Jl. Kenanga", "Jl. Melati", "Jl. Raya Timur", "Pasar Lama", "Perumahan Griya Asri"]
DISTRICTS = ["Sukamaju", "Cibeureum", "Mekarsari", "Sindangsari", "Cilandak", "Tegalrejo"]
EXTRAS = [
    "Mohon segera ditindaklanjuti.",
    "Sudah dua minggu begini.",
    "Terima kasih.",
    "Hubungi 0812-3456-7890.",
    "NIK pelapor 3201234567890001.",
    "",
]


FILLER = [
    "Kondisi ini sudah berlangsung cukup lama dan belum ada tindakan dari petugas.",
    "Warga sekitar sudah beberapa kali mengeluhkan hal yang sama melalui RT setempat.",
    "Mohon petugas dapat segera datang ke lokasi untuk melakukan pengecekan.",
    "Pada malam hari keadaannya semakin parah dan membahayakan pengguna jalan.",
    "Anak-anak sekolah setiap pagi melewati lokasi tersebut.",
    "Kami berharap pemerintah daerah dapat memberikan solusi secepatnya.",
    "Sebelumnya sudah pernah dilaporkan tetapi belum ada tanggapan.",
    "Lokasi tepatnya di dekat musala dan warung kelontong.",
]
EXTRA_SENTENCES = (0, 0, 1, 1, 2, 3, 5, 8)
"""How many filler sentences a report gets: lengths spread like a real channel's (mean about 320 characters,
as the Surabaya export's)."""


def synthetic_rows(n: int, rng: random.Random) -> list[list]:
    start = date(2023, 1, 1)
    rows = []
    for i in range(n):
        category, agency, problem = rng.choice(PROBLEMS)
        label = rng.choice([category, category.lower(), f" {category.upper()} "]) if rng.random() < 0.1 else category
        day = start + timedelta(days=i * 365 // n)
        text = (
            f"Laporan {i}: {problem} di {rng.choice(STREETS)} RT 0{rng.randrange(1, 10)} RW 0{rng.randrange(1, 6)}, "
            f"Kecamatan {rng.choice(DISTRICTS)}. {rng.choice(EXTRAS)} "
            + " ".join(rng.choice(FILLER) for _ in range(rng.choice(EXTRA_SENTENCES)))
        ).strip()
        status = "Dibatalkan" if rng.random() < 0.01 else "Selesai"
        clock = f"{rng.randrange(6, 22):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        rows.append([f"BM-{100000 + i}", day, clock, text, label, agency, rng.choice(DISTRICTS), status])
    return rows


def write_export(folder: Path, rows: list[list], files: int, fmt: str) -> Path:
    per_file = -(-len(rows) // files)
    for k in range(files):
        part = rows[k * per_file : (k + 1) * per_file]
        if fmt == "csv":
            lines = ["LAPORAN ADUAN MASYARAKAT", "", "", ";".join(HEADER)]
            lines += [";".join(str(c) for c in row) for row in part]
            (folder / f"aduan_{k + 1:02d}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
            continue
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Aduan")
        sheet.append([f"LAPORAN ADUAN MASYARAKAT BAGIAN {k + 1}"])
        sheet.append(["Kabupaten Contoh (data sintetis)"])
        sheet.append([])
        sheet.append(HEADER)
        for row in part:
            sheet.append(row)
        book.save(folder / f"aduan_{k + 1:02d}.xlsx")
    mapping = {
        "name": "benchmark_export",
        "file": f"aduan_*.{fmt}",
        "header_row": 4,
        "columns": {
            "id": "No. Tiket",
            "text": "Isi Aduan",
            "created_at": "Tanggal",
            "kecamatan": "Kecamatan",
            "label_category": "Kategori",
            "label_agency": "Instansi Tujuan",
        },
        "time_column": "Jam",
        "timezone": "Asia/Jakarta",
        "exclude": {"Status": ["Dibatalkan"]},
        "fold_label_spelling": True,
    } | ({"sheet_name": "Aduan"} if fmt == "xlsx" else {"csv_sep": ";"})
    path = folder / "mapping.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    args = parser.parse_args()

    from training.datasets.check import check_dataset

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        rows = synthetic_rows(args.rows, random.Random(7))
        write_export(folder, rows, args.files, args.format)
        mean_chars = sum(len(row[3]) for row in rows) / len(rows)
        print(
            f"wrote {args.rows:,} rows (texts of {mean_chars:.0f} characters on average) in {args.files} "
            f"{args.format} files in {time.perf_counter() - started:.1f} s"
        )

        started, cpu = time.perf_counter(), time.process_time()
        result = check_dataset(str(folder))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"data check in process: {wall:.2f} s wall, {cpu:.2f} s CPU ({result.loaded:,} reports loaded)")
        started, cpu = time.perf_counter(), _children_cpu()
        command = [sys.executable, "-m", "service.cli", "data", "check", str(folder)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
        status = "ok" if done.returncode == 0 else f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        print(f"`triase data check`, fresh process (imports included): {wall:.2f} s wall, {cpu:.2f} s CPU ({status})")
        print(
            f"target under 10 s: {'met' if wall < 10 else 'missed'} (wall); on a busy machine the CPU time is the "
            f"figure the command needs ({os.getloadavg()[0]:.1f} load average now)"
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
