"""Made-up reports with their annotated names, and a name tagger fitted on them: for tests of the tagger and of
the service masking with a bundle that carries one. Every text and name here is made up."""

from models.privacy.tagger import NameTagger


def annotated(text: str, *names: tuple[str, str]) -> tuple[str, list[tuple[int, int, str]]]:
    """A text and the (start, end, owner) spans of the given names, each found at its first place."""
    return text, [(text.index(name), text.index(name) + len(name), owner) for name, owner in names]


TRAINING = [
    annotated("Nama saya Siti Rohmawati, warga Rungkut. Jalan rusak mohon diperbaiki.", ("Siti Rohmawati", "self")),
    annotated("Selamat pagi.\\nSaya Yuni Astuti ingin melaporkan sampah menumpuk.", ("Yuni Astuti", "self")),
    annotated("Lampu jalan mati sejak minggu lalu.\\nHormat saya,\\nRizki Pratomo", ("Rizki Pratomo", "self")),
    annotated("Tetangga saya Bapak Hadi Santoso membuang sampah di sungai.", ("Hadi Santoso", "other")),
    annotated(
        "Anak saya Eko Purnomo belum dapat sekolah. Terima kasih.\\nAgus Setiawan",
        ("Eko Purnomo", "other"),
        ("Agus Setiawan", "self"),
    ),
    annotated(
        "Petugas bernama Joko Prasetyo tidak datang. Salam,\\nRina Wulandari",
        ("Joko Prasetyo", "other"),
        ("Rina Wulandari", "self"),
    ),
    annotated("Saluran air tersumbat di depan rumah, mohon segera ditangani."),
    annotated("Jalan Kenjeran berlubang dan membahayakan pengendara motor."),
    annotated("Pelayanan di kelurahan sangat lambat, antrean panjang sekali."),
    annotated("Pohon tumbang menutup jalan sejak kemarin sore."),
]


def fitted(**params) -> NameTagger:
    texts, spans = zip(*TRAINING, strict=True)
    return NameTagger(**params).fit(list(texts), list(spans))


def made_up_word(prefix: str, number: int) -> str:
    """A word of letters only, one per number (digits would be tokens of their own): "Zor" + "baa", "bab", ..."""
    letters = ""
    for _ in range(4):
        number, digit = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
    return prefix + letters
