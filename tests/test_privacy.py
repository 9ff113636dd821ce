"""mask_pii: typed placeholders for NIK/KK, phones and e-mail; ordinary numbers untouched."""


import pytest

from models.privacy import PII_PATTERNS, mask_pii, mask_pii_counted

# All numbers and addresses below are made up.


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
    masked, counts = mask_pii_counted("0812-3456-7890, 0813 1111 2222, 3578011203850004, a@b.id")
    assert masked == "[TELEPON], [TELEPON], [NIK], [EMAIL]"
    assert counts == {"email": 1, "nik": 1, "telepon": 2}
    assert [p.placeholder for p in PII_PATTERNS] == ["[EMAIL]", "[NIK]", "[TELEPON]"]
