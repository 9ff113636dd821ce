"""The word lists and word tests that tell a personal name from an ordinary word, a title, an office or a place.

Shared by the name rules (:mod:`models.privacy.names`) and the way a name is read
(:mod:`models.privacy.name_reading`); the dictionary of ordinary Indonesian words is :mod:`models.lexicon`.
"""

import re
from functools import cache

from models.lexicon import GIVEN_NAMES_THAT_ARE_WORDS, is_ordinary_word, root_words

# What is (not) a name to mask. A name is masked when it clearly belongs to a person: the
# reporter, relatives, neighbours, and staff named by name ("petugas bernama Andi", "pak
# RW Slamet"). A title or office without a name is not a name ("Pak RT", "Bu Lurah", "Pak
# Camat", "Ibu Wali Kota", "Bapak Kepala Dinas"): those words are stop words, so nothing
# after the title is taken. The city's and country's top office holders addressed in their
# public role ("Pak Eri", "Bapak Eri Cahyadi", "Bu Khofifah") are public figures, not
# private persons, and are never masked (PUBLIC_FIGURES); masking them would only hide
# whom a complaint is addressed to. Street, shop and building names that contain a title
# or a person's name ("Jl. Ahmad Yani", "bakso Mas Bejo", "depot Bu Tin") are left alone; a
# stall or lodging called after its keeper ("warung Bu Atik", "Kos Pak Budi") names the person.

# Words that are never (part of) a personal name here: function words, common complaint
# verbs and nouns, chat abbreviations, roles and offices, family words, places.
STOP = frozenset(
    """
    saya sy sya aku aq gue gw kami kmi kita anda beliau dia ia mereka kalian nya ku mu
    yang yg dan dn dgn dengan dg serta atau ato tapi tp tetapi namun karena krn karna sebab jika jk kalau klo kalo klu
    bila apabila agar supaya untuk utk buat bagi pada pd di d ke k dari dr oleh sejak hingga sampai smp sampe sama sm
    dalam dlm atas bawah antara tentang terhadap mengenai terkait perihal seperti spt sprti sbg sebagai selaku adalah
    ialah ini itu tsb tersebut sini situ sana juga jg pun lagi lg sudah sdh udah udh sdah telah tlh belum blm masih msh
    akan mau mw mo ingin pengen hendak bisa bs dapat dpt boleh harus hrs perlu tidak tdk tak gak ga gk nggak ngga enggak
    engga bukan ada punya mempunyai memiliki hanya hnya hny hy cuma cm cuman saja aja sj semua para setiap tiap banyak
    bnyk byk sangat sgt amat sekali skali paling lebih kurang krg baru lama sedang sdg apa siapa mana kapan bagaimana
    bgmn gimana gmn mengapa kenapa knp berapa brp mohon mhn minta mnta tolong tlg tlong harap dimohon berharap terima
    kasih trims makasih terimakasih trimakasih matur maturnuwun nuwun suwun sanget salam hormat selamat pagi siang sore
    malam assalamualaikum assalamu wassalamualaikum wassalam wr wb warahmatullah warahmatullahi wabarakatuh
    wabarakatu dear yth kepada kpd ditempat tempat
    permisi maaf izin ijin mas mbak pak bu bapak ibu bpk bp ibuk kak sdr saudara ttd saat waktu ketika selama setelah
    sesudah sebelum lalu kemudian terus trus jadi maka tadi nanti mungkin memang emang pasti tentu kok kan dong sih ya
    iya yaa oke ok say belom blom blum pertama kedua ketiga jazakallah aamiin demikian regard regards kenal swastiastu
    rt rw lurah camat wali walikota wakil kepala kadis dinas dirut direktur presiden gubernur menteri bupati sekda ketua
    sekretaris bendahara pengurus warga petugas pegawai staf staff admin operator satpam satpol pol pp linmas polisi
    polsek polres babinsa kader pendamping guru dokter dr bidan perawat pimpinan pejabat instansi pemkot pemerintah
    kelurahan kecamatan kel kec kota kab kabupaten surabaya sby pemilik penghuni pengontrak tetangga pelapor pemohon
    jukir pkl oknum preman sopir supir kurir ojol driver pedagang penjual pembeli karyawan pekerja buruh catin pasangan
    dispendukcapil dukcapil capil dinsos dishub dinkes dispendik bapenda dprkpp dsda pdam pln bpn uptsa klampid
    suami istri isteri anak adik adek kakak kaka cucu mertua orang tua ortu keluarga keponakan ponakan ayah papa mama
    bapaknya ibunya anaknya almarhum alm almarhumah janda duda lansia siswa siswi murid mahasiswa pasien peserta
    jl jln jalan gg gang kampung perumahan perum blok no nomor nomer nmr rumah rmh alamat almt beralamat beralamatkan
    tinggal domisili berdomisili kontrak kos kost ktp kk nik npwp bpjs kis kip pip pkh blt bpnt bansos mbr skm akte akta
    surat berkas data aplikasi online email hp wa telp tlp telepon whatsapp pbb nop nopel imb
    mengajukan pengajuan daftar mendaftar terdaftar lapor melapor melaporkan laporan menyampaikan mengadu keluhan aduan
    pengaduan bantuan bantu dibantu membantu usul usulan permohonan memohon menanyakan tanya bertanya info informasi
    sekarang skrg kemarin besok hari tanggal tgl bulan bln tahun thn minggu jam usia umur kelas sekolah cek dicek
    selesai proses diproses segera cepat baik benar kecewa bingung susah sulit miskin mampu sakit meninggal bekerja
    kerja uda nggih nggeh enggih enggeh injih sebelumnya sblmnya sblumnya sebelumx sblumx sblmx
    kerjaan pekerjaan usaha jualan berjualan program lewat suara beli jual butuh barusan kembali korban tulisan
    kandung setempat sekeluarga sejahtera sbb kaget semisal perwakilan dengar berhenti komorbid bilang urus sembuh th
    sma smp smk sd tk lurus erte takon mental termasuk golongan mahasiswi bolak menang lpmk kenak fc asal cuti pimpin
    sekalian tingkat produksi kontribusi salah parkir ber hilang beserta secara personal masuk kesini pindah seorang
    muslim kep tdak pgn pancasila merdeka pt cv ud yayasan koperasi musholla mushollah mushola masjid toko warung
    semoga cumak walikotamadya
    wajib pajak dispenduk ksh bayi hamil indomaret alfamart sehingga akses alamatnya binggung selalu krj pengawas rtnya
    rwnya pojok telpon telfon telf tlpn tlfn panas demam ngotrak ngontrak sehat kepsek ngurus sallam dulu sendiri kompak
    yaitu yakni arek tukang nenek kakek hubungi hub menghubungi dihubungi kontak contact cp call sms fax hotline
    telegram
    puskesmas faskes igd poli lampu pju resto restoran pondok forum griya graha taman forklift
    nama bernama namanya tertulis asli dll dsb dst
    ahli waris indonesia bersatu sehat sarpras sdn smpn sman smkn mi mts lembaga bunda pkk login walimurid sbgai
    sperti bnpt walikotaku islam ipt dlh si ktr kantor rupiah beda ogah sampah dokumen buk bahwa bocor muda gaji
    mati tahu pohon tunggal tambal pihak kata semakin marah keluar semen masalah eror error single pns asn tni polri
    status setatus note nb management manajemen
    nasabah pemuda pemudi veteran difabel disabilitas tunanetra tunarungu tunawicara penyandang marbot takmir owner
    member freelance freelancer relawan honorer karyawati nelayan petani pengemudi pengusaha wiraswasta wirausaha
    swasta pengangguran perantau pendatang pensiunan santri jamaah jemaah konsumen customer penumpang pengguna
    penyewa tunawisma shopee tokopedia grab gojek maxim suroboyo
    """.split()
)
# Words right after a name that end it ("nama saya Budi warga RT 3", "saya Siti mau tanya").
ENDERS = frozenset(
    """
    warga alamat almt beralamat beralamatkan dari dr selaku sebagai sbg nik no nomor nomer usia umur rt rw ketua tinggal
    yang yg mau ingin sudah sdh mohon dengan dgn dg seorang bin binti kelas asal pekerjaan lahir domisili dan atau
    adalah ialah pemilik sekaligus juga menyampaikan melaporkan mengajukan ingin hendak ktp kk telp hp wa
    menjadi mjd status setatus pegawai karyawan tp tapi tetapi alias als istri isteri suami siswa siswi murid
    mahasiswa mahasiswi pelajar korban
    """.split()
)
# Office holders addressed in their public role, never masked as a private person's name.
PUBLIC_FIGURES = frozenset(
    """
    eri erie ery erik eric erick er cahyadi cahyadii armuji armudji erji risma rismaharini khofifah kofifah jokowi
    """.split()
)
# Heads of offices written as one word: "Ka" (kepala) glued to the office ("Kadinkes", "Kadiknas", "Kadiskominfo",
# "Kabid", "Kasatpol", "Kapolsek"), an office, not a name, after "Bapak".
_OFFICE_HEAD = re.compile(
    r"^ka(?:dis[a-z]+|din(?:kes|sos|as)|diknas|dikbud|bid|bag|sie|si|subag|sat(?:pol|pp|reskrim|lantas)|pol(?:sek|res|da|ri))$"
)


def is_public_figure(word: str) -> bool:
    """Whether ``word`` names one of :data:`PUBLIC_FIGURES`, also with its last letter typed twice ("Erii")."""
    low = word.lower()
    return low in PUBLIC_FIGURES or re.sub(r"(.)\1+$", r"\1", low) in PUBLIC_FIGURES


# The mayor's and the vice mayor's one-word titles ("bpk Walikota dan bpk Wawi"): an office, not a name.
_CITY_HEADS = frozenset("walikota walkot wakot wawali wawi".split())


def is_office_head(word: str) -> bool:
    """Whether ``word`` is an office head's one-word title ("KaDinkes", "kadiknas", "Kapolsek", "Wawali")."""
    return _OFFICE_HEAD.match(word.lower()) is not None or word.lower() in _CITY_HEADS


DEGREES = frozenset("sh mh se st mt mm spd pd skom ssos sos amd ssi msi mkes skm sag mag ir drs dra sp spog".split())
# Lower-case words shaped like verbs or derived nouns (meN-, ber-, ter-, di-, ke-...-an,
# -kan, -nya): in a lower-case text they are what follows "saya" far more often than a name.
NOT_A_NAME_SHAPE = re.compile(
    r"^(?:me[mnr]?\w{3,}|meng\w+|meny\w+|ber\w{3,}|ter\w{4,}|di\w{4,}|ke\w+an|pe[mnr]?\w+an|\w+kan|\w+nya|"
    r"w?assalam\w*|alhamdulillah\w*|insya\w*)$"
)

VERB_SHAPE = re.compile(r"^(?:me[mn]\w{3,}|meng\w+|meny\w+|\w{3,}kan)$")  # "Melakukan", "Menyampaikan"
TITLES = (
    r"bapak|pak|ibu|ibuk|bu|saudara|saudari|mbak|mba|mas|kang|kak|cak|ning|nyonya|tuan|almarhum|bidan|abah|koh|cik|"
    r"tante|om|mbk|mbah|pakde|pakdhe|bude|budhe|nenek|kakek"
)
# Titles that are also common words ("mas" is gold, "kak" an elder sibling): a lower-case
# name after them is held to the weak-introducer word check.
AMBIGUOUS_TITLES = frozenset({"mas", "kang", "kak", "ning", "om", "mbah", "nenek", "kakek"})
TITLE_ABBREVIATIONS = r"bpk|bp|sdr|sdri|ny|almh|alm"
# A word before a title that makes it part of a shop, street or building name ("bakso Mas
# Bejo", "depot Bu Tin", "Jl. Pak Suwignyo"), or a slash: "Bapak/Ibu" is a form of address.
# Not "warung"/"warkop": a stall called after its keeper with a title names the keeper (guidelines).
NOT_PERSON_BEFORE = re.compile(
    r"(?:\b(?:bakso|soto|depot|toko|rumah\s+makan|rm|sate|nasi|mie|bakmi|penyetan|ayam|kedai|cafe|"
    r"kafe|salon|bengkel|apotek|rawon|pecel|lontong|rujak|kopi|jamu|laundry|jl|jln|jalan|gg|gang|masjid|musholla|"
    r"mushola|musholah|mushalla|mushala|musala|musalla|surau|langgar|rs|rsu|rsud|rsia|rsal|klinik|sd|smp|sma|smk|tk|puri|"
    r"griya|graha|wisma|cv|pt|ud|makam|pesarean|punden)\W{0,2}"
    r"|\b(?:jl|jln|jalan)?\.?\s*(?:kh|khm|k\.\s?h|kyai)\.?\s*"  # "Jl. KH Mas Mansyur", "jl khm mas mansyur"
    r"|\b(?:jl|jln|jalan)\.?\s*k\.\s*"  # "jalan K.H. ...": the title "H." after the street's "K."
    r"|\b(?:bapak|bpk|bp|pak|ibu|bu)\.?\s*/\s*)$",
    re.IGNORECASE,
)
ROLE_SKIP = re.compile(r"(?i:(?:ketua[ \t]+)?(?:rt|rw)(?=[ \t]+[A-Za-z]))[ \t]+")
# Degrees and honorifics written between a title and the name: "ibu Dra.Rina", "Bapak Ir. H. Budi".
DEGREE_SKIP = re.compile(r"(?:(?i:dra|drs|dr|ir|prof|hj|h)\.[ \t]*)+(?=[A-Z])")
TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
BOUNDARY_CHARS = set(",.;:!?()/-&+\"'\r\n")


@cache
def _consonant_skeletons() -> frozenset[str]:
    """The consonants of every dictionary root and stop word ("sekarang" -> "skrng"), as chat writing spells them."""
    return frozenset(skeleton for word in (root_words() | STOP) if len(skeleton := _consonant_skeleton(word)) >= 2)


def _consonant_skeleton(word: str) -> str:
    return re.sub(r"[aeiou]", "", word.lower())


def is_chat_abbreviation(word: str) -> bool:
    """Whether ``word`` is an ordinary word written with (almost) no vowels, as in chat writing ("skrng",
    "sudh", "prnah"): at most one letter in four a vowel, and the consonants those of a dictionary or
    stop word. Names keep their vowels; the abbreviated name parts ("moch", "muh") are exempt."""
    low = word.lower()
    if len(low) < 3 or low in GIVEN_NAMES_THAT_ARE_WORDS or low in COMMON_NAME_PARTS:
        return False
    vowels = sum(c in "aeiou" for c in low)
    # The dictionary check (a stemmer run) comes last: it is the costly one, and `is_word_not_name` has
    # usually just made it.
    return vowels <= len(low) / 4 and _consonant_skeleton(low) in _consonant_skeletons() and not is_ordinary_word(low)


def is_word_not_name(word: str) -> bool:
    return is_ordinary_word(word) or is_chat_abbreviation(word)


def is_possessive(word: str) -> bool:
    """Whether ``word`` is a longer word with the possessive "-nya" ("WhatsAppnya", "Rumahnya"): no name
    here ends that way, while short names may ("Sonya")."""
    return len(word) >= 7 and word.lower().endswith("nya")


def shouting(text: str) -> bool:
    """Whether the text is written in capitals throughout (then capitals say nothing about names)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def title_cased(text: str) -> bool:
    """Whether the text Capitalises Nearly Every Word (at least 20 words, seven in ten capitalised): then a
    capital inside a sentence says as little about a name as in shouted text ("Yang Saya Tempati")."""
    words = re.findall(r"[A-Za-z]{3,}", text)
    return len(words) >= 20 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


# Parts of names too common (or too place-like) to be searched for on their own.
COMMON_NAME_PARTS = frozenset(
    """
    nur dwi tri sri siti moch mochammad muhammad mohammad moh muh ahmad abdul putra putri sari indah jaya surya dewi
    agung eka budi adi ayu rahayu wati kusuma wijaya santoso setiawan hadi haji januari februari maret april mei juni
    juli agustus september oktober november desember
    """.split()
)
