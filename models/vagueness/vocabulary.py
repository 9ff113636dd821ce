"""The vocabulary the vagueness cues read: word lists (folded: lower case, runs of a repeated letter
collapsed) and patterns for places, problem objects, own-case topics, states, requested works, floods and
filler. Written for this module from the guideline (``data/annotations/vague_guidelines.md``)."""

from __future__ import annotations

import re
from functools import lru_cache

# --- vocabulary -------------------------------------------------------------------------------
# Words are compared after `fold`: lower case, accents removed, runs of a repeated letter
# collapsed ("banjiirrr" -> "banjir", "tolooong" -> "tolong"), so lexicons are folded the same way.


_REPEATED_LETTER = re.compile(r"([a-z])\1+")

FOLD_CACHE_SIZE = 2**12
"""Folded words kept between calls (a report's words are mostly the common ones of every report). Bounded: a serving
process meets new words (names the masking missed among them) for as long as it lives."""


@lru_cache(maxsize=FOLD_CACHE_SIZE)
def fold(word: str) -> str:
    return _REPEATED_LETTER.sub(r"\1", word)


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


GREETING_FILLER = _words(
    """
    assalamualaikum assalamu alaikum assalamulaikum asalamualaikum aslm askum wr wb wrwb warahmatullahi
    wabarakatuh wassalam wassalamualaikum salam selamat pagi siang sore malam halo hallo hai hi hello
    permisi pak bu bapak ibu bpk ibuk min admin kak kakak mas mbak mba om sdr saudara yth dear tim
    terima kasih terimakasih trimakasih makasih matur nuwun maturnuwun suwun thanks thank thx tq tks
    trims you sekian demikian atas perhatiannya perhatian test tes testing ok oke okay sip ya yaa nggih
    injih ngapunten maaf mohon tolong please plis hormat kami saya ayo ayok yuk
    """
)
"""Greetings, thanks, forms of address and filler: a text of nothing else says nothing."""

PLEA = _words(
    """
    tolong mohon minta harap segera secepatnya cepat diperbaiki perbaiki diperbaikin dibenerin benerin
    ditindaklanjuti ditindak ditindaklanjut tindak lanjut lanjuti tindaklanjut tindaklanjutnya
    tindaklanjuti ditangani tangani penanganan dibantu bantu bantuan bantuannya diperhatikan perhatikan
    perhatiannya dicek cek ditinjau tinjau dipantau pantau diproses proses respon respons ditanggapi tanggapan
    tanggapi info informasi infonya konfirmasi kapan kok koq kenapa knp gimana bagaimana sudah sdh udah
    lapor laporan melapor melaporkan pengaduan aduan mengadu belum blm ada tidak tdk gak ga nggak enggak
    sama sekali lagi terus masih juga dan atau yang yg ini itu nih dong donk deh sih pun kah lah
    untuk utk buat agar supaya dari ke kepada pada di dengan dgn sampai hingga mau ingin akan bisa
    dapat sekarang skrg kemarin tadi hari ini apa siapa mana pihak terkait dinas pemkot pemerintah
    kami kita saya sy aku kamu anda mereka warga masyarakat kasihan sangat sekali banget amat
    payah bereskan beresin help sos
    """
)
"""Pleas and function words: with greetings, what a text made only of a plea is made of."""

FLOOD_CATEGORY = _words(
    """
    banjir kebanjiran genangan tergenang menggenang genang rob lautpasang drainaseburuk cuacaekstrim
    banjirkiriman banjirjakarta hujanderaslama banji kiriman
    """
)
"""Words (and Qlue hashtags) that only repeat the flood category of a PetaBencana report."""

FLOOD_STATUS = _words("masih lagi terus selalu kembali mulai sudah belum surut pelan lambat nih tuh pak lagi")

FLOOD_OBSERVATION = re.compile(
    r"\d+\s*(?:cm|centi|centimeter|senti|meter|m)\b|\bse(?:mata\s*kaki|betis|lutut|paha|pinggang|perut|"
    r"dada|dengkul|leher|kepala|pinggul|atap)\b|\b(?:mata kaki|betis|lutut|dengkul|paha|pinggang|dada|"
    r"sepinggang|sedada|sepaha|selutut)\b|\b(?:mobil|motor|kendaraan|roda|mogok|macet|lumpuh|"
    r"tidak bisa (?:di)?lewat|tdk bisa (?:di)?lewat|gak bisa lewat|ga bisa lewat|terputus|"
    r"masuk(?:i)? (?:ke )?(?:dalam )?(?:rumah|pekarangan|halaman|teras|garasi)|masuk kerumah|rumah warga|pekarangan|"
    r"air (?:(?:sudah|sdh|udah|mulai|sampai|sampe)\s+)*masuk|"
    r"jalan(?:an)?(?:nya)?\s+(?:tergenang|terendam|kebanjiran)|"
    r"(?:meng+enang(?:i)?|merendam|membanjiri)\s+(?:jalan|rumah|gang|perumahan|pemukiman|permukiman|komplek)|"
    r"halaman|teras|terendam|tenggelam|mengungsi|"
    r"pengungsi|diungsikan|perahu|evakuasi|pompa|tanggul|jebol|meluap|luap|got|selokan|saluran|sampah|"
    r"kering|surut|parah|terparah|tinggi|naik|listrik|pln|petugas|korban|garasi|underpass|sekolah)\b"
)
"""A flood observation beyond the category: depth, impact, cause, status with content."""

PLACE_BOUND_OBJECTS = _words(
    """
    pju lampu penerangan lpju jalan jalanan jln paving aspal lubang berlubang berlobang lobang
    got selokan saluran drainase gorong box culvert buis uditch u-ditch bis beton tutup sungai kali
    pohon ranting dahan daun perantingan perampingan penebangan pemangkasan rumput tanaman
    sampah tps kotoran limbah bangkai banjir genangan tergenang parkir jukir juru pkl pedagang
    lapak bangunan kabel tiang wifi fiber optik telkom listrik pdam pipa meteran air fogging nyamuk
    jentik anjing kucing ular monyet tikus petasan mabuk onar berisik bising gaduh balap trotoar
    pedestrian lampu-merah apill traffic cctv rambu marka portal tanggul pompa waduk bozem
    tembok plengsengan pagar gapura taman lapangan makam jembatan atap kelas asap bau pencemaran
    tunawisma gelandangan pengamen pengemis odgj preman fasum fasos dropzone kebakaran
    kemacetan macet truk trailer gedung pembangunan proyek galian kerjabakti remang remang-remang
    judi perjudian sabung miras trotoar terotoar tetangga nongkrong tawuran
    karaoke knalpot brong gerinda speedtrap spedtrap speedbump polisi-tidur
    """
)
"""Objects and nuisances an officer must find on the ground: they need a place."""

OWN_CASE_TOPICS = _words(
    """
    ktp e-ktp ektp kk akta akte kia surat domisili pindah kartu keluarga nik dukcapil capil adminduk
    bansos blt bst pkh bpnt mbr gakin dtks permakanan sembako bantuan-sosial miskin kemiskinan
    bpjs kis jkn pbi jamkesda kesehatan berobat pip kip spp ppdb zonasi sekolah beasiswa seragam
    uang-gedung daftar pendaftaran pbb pajak izin ijin imb skrk ipt sertifikat tanah petok
    kerja bekerja berkerja pekerjaan lowongan pelatihan umkm usaha catin nikah e-health ehealth aplikasi
    website antrian data akun tagihan denda rekening pensiun kompensasi pkwt gaji honor insentif
    verifikasi survey survei terdaftar didata pendataan penerima manfaat jht biaya pembiayaan vaksin
    rusun rusunawa klampid wargaku login otp password sandi callcenter kks madrasah ktp-el kartu
    dispenduk dispendukcapil peken e-peken epeken
    """
)
"""Administrative topics of the reporter's own case: they need the problem stated, not a place."""

PROBLEM_STATES = _words(
    """
    mati padam nyala menyala redup gelap rusak berlubang berlobang bolong lubang bocor rembes
    mampet buntu tersumbat sumbat macet tumbang roboh ambruk patah putus kendor kendur jatuh
    menumpuk numpuk tumpukan berserakan diangkut terangkut keruh kotor bau busuk kecil keciil
    banjir tergenang genangan meluap ambles amblas anjlok retak bergelombang jeglong liar
    lebat rindang rimbun tinggi menjulur mengganggu menganggu ganggu membahayakan berbahaya bahaya
    rawan hilang dicuri pecah jebol longsor gugur mengenai menutupi menghalangi menghambat
    miring sempit licin kumuh berantakan amburadul semrawut ramai berisik bising resah meresahkan
    lama lambat terlambat telat cair dicabut ditolak gagal error eror salah berbeda beda
    mahal pungli pungutan dipungut ditarik dikenakan tunggakan menunggak kurang tidak-terdaftar
    terdaftar aktif nonaktif dinonaktifkan diblokir blokir hangus kadaluarsa kedaluwarsa
    mengeluh mengeluhkan keluhan komplain protes kecewa prihatin takut khawatir
    ambrol mangkrak menyempit terhambat ribut mepet terganggu berdirinya lobang
    susah sulit susahnya sulitnya dipersulit mempersulit ribet berbelit ditutup tertutup
    menjuntai terjuntai juntai
    """
)
"""Words saying what is wrong with an object or a case."""

REQUESTED_WORKS = _words(
    """
    perbaikan penggantian pergantian pemasangan pasang dipasang pengangkutan angkut diangkut
    pembersihan dibersihkan bersihkan pengerukan dikeruk keruk normalisasi pengaspalan diaspal aspal
    perantingan perampingan pemangkasan dipangkas penebangan ditebang tebang pemotongan dipotong
    fogging penertiban ditertibkan tertibkan penambahan pembuatan pemindahan dipindah geser digeser
    penembelan tambal ditambal pengecekan penyedotan sedot disedot overlay pavingisasi penutupan
    cek dicek pengajuan mengajukan ajukan daftar mendaftar didaftarkan didata pendataan mengurus pengurusan
    cara syarat persyaratan prosedur bagaimana apakah kenapa mengapa kapan berapa dimana gimana
    usul usulan mengusulkan diusulkan saran menyarankan perbaiki diperbaiki rapikan dirapikan
    memperbaiki mengganti memasang mengangkut membersihkan mengeruk mengaspal memangkas menebang memotong
    menertibkan memindahkan menggeser menambal menyedot merapikan
    """
)
"""Requested works and question words: together with an object or topic they state a request."""

LOCATION_HEAD_WORDS = frozenset(
    """
    kel kelurahan kec kecamatan desa kampung kp perum perumahan komplek kompleks komp blok dusun
    rusun rusunawa apartemen apartment kav kavling sdn sd smpn smp sman sma smkn smk mi mts mtsn min
    man tk paud puskesmas pustu rs rsud rsu klinik pasar masjid musholla mushola langgar gereja
    terminal stasiun jembatan makam polsek polres koramil kantor balai spbu toko warung warkop cafe
    kafe hotel bank sungai waduk bozem tol underpass flyover lapangan pondok ponpes universitas
    kampus apotik apotek bundaran perempatan pertigaan simpang per4an pompa stadion mall plaza pom
    ruko gedung kolam tps griya graha villa taman depot bengkel restoran rm resto indomaret alfamart
    alfamidi kali gg gang lorong pintu raya kb tpa tpq madrasah hiburan pt pabrik gudang
    """.split()
)
LOCATION_HEADS = _words(" ".join(LOCATION_HEAD_WORDS))
"""Words that head a place name ("Pasar Turi", "SMPN 62", "Kali Tebu"): a place when a name follows."""

STREET_HEADS = _words("jl jln jaln jlan jalan jalanan")

WEAK_HEADS = frozenset(
    """
    jalan jalanan sungai kali kelurahan kecamatan desa kampung kantor balai gedung mall mal plaza toko
    warung bank hotel lapangan taman makam jembatan pintu raya simpang pertigaan perempatan bundaran pompa
    pondok terminal stasiun kampus sd smp sma smk mi min man tk kb pt puskesmas klinik g pom
    """.split()
) | {"rumah sakit"}
"""Place heads, as written, that are also words of everyday use ("jalan rusak", "ke kelurahan", "sd" as
"s/d", "sma" as "sama", "g" as "gak"): the word after them is a name only when it looks like one. After
the others ("Jl.", "Gg", "SMPN", "Perum", "Pasar") any word that is no common word is a name."""

GANG_HEADS = _words("gg gang lorong")
"""A numbered gang ("gg 15") is a place inside a street or area: alone it cannot be found."""

NOT_A_NAME = (
    GREETING_FILLER
    | PLEA
    | PLACE_BOUND_OBJECTS
    | OWN_CASE_TOPICS
    | PROBLEM_STATES
    | REQUESTED_WORKS
    | LOCATION_HEADS
    | STREET_HEADS
    | _words(
        """
        raya utama umum besar kecil kampung depan belakang samping sebelah dekat sekitar arah menuju
        masuk keluar sepanjang seberang atas bawah dalam luar tengah ujung pojok pinggir sisi tepi
        utara selatan timur barat rumah rumahnya tempat lokasi daerah wilayah kawasan area sini situ
        sana tsb tersebut setempat kota surabaya jakarta lingkungan sekolah kami saya kita warga
        satu dua tiga empat lima banyak beberapa semua setiap tiap sering selalu baru lama lain
        bisa harus perlu karena karna krn jadi sehingga tapi tetapi namun padahal kalau kalo klo jika
        saat waktu ketika sejak selama setelah sebelum bulan minggu tahun hari jam tanggal tgl pagi malam
        besi beton kayu air tanah orang anak motor mobil sepeda kendaraan pengendara pejalan kaki
        hujan deras angin ranting sungai depanya depannya terdapat adanya ada menjadi sudah sangat
        yang ini itu nya mohon sampai hingga dan atau dengan di ke dari pada oleh untuk sdh blm tdk
        bln thn tgl hr mgg skrg krn tp dg dgn lwt sktr org yg tsb dll dsb dst spt utk kpd sbg bs
        realisasi salah pesantren rt rw wilayahnya kampungnya sekolahnya belakangnya sampingnya
        bayar tolak proses buat kasih beri ambil angkut potong tebang pasang perbaiki tindak tinjau
        pantau lihat data semprot sedot keruk cetak terima tutup buka bongkar tegur tarik panggil
        layani lakukan urus hapus ganti pindah tambah catat periksa lewati lewat ruas app apk aplikasi
        medsos sosmed media grup wa web website foto gambar video lampiran
        cukup lain lainnya akibat pas kanan kiri dpn blkg sblh dkt rmh tmpt tmp januari februari maret april
        mei juni juli agustus september oktober november desember seperti kelanjutan hubung check
        panggil telusuri bersihkan kasih sini sana pengguna bahu ukuran
        ber ter per halaman pekarangan teras lahan mulai yng yag tegor atm titik
        gubernur walikota wali lurah camat presiden calon dki
        """
    )
)
"""Words that are never the name after a place head ("jalan rusak", "di depan", "gang sempit")."""

SURABAYA_AREAS = tuple(
    fold(" ".join(name.split()))
    for name in """
    asemrowo|benowo|bubutan|bulak|dukuh pakis|gayungan|genteng|gubeng|gunung anyar|jambangan|karang pilang|
    karangpilang|kenjeran|krembangan|lakarsantri|mulyorejo|pabean cantian|pakal|rungkut|sambikerep|sawahan|
    semampir|simokerto|sukolilo|sukomanunggal|tambaksari|tandes|tegalsari|tenggilis|tenggilis mejoyo|wiyung|
    wonocolo|wonokromo|genting kalianak|kalianak|tambak sarioso|kandangan|romokalisari|sememi|
    tambak osowilangun|alun alun contong|gundih|tembok dukuh|kedung cowek|sukolilo baru|dukuh kupang|
    gunung sari|gunungsari|pradah kalikendal|dukuh menanggal|menanggal|ketintang|embong kaliasin|kaliasin|
    kapasari|ketabang|peneleh|airlangga|baratajaya|barata jaya|kertajaya|pucang sewu|pucangsewu|pucang anom|
    gunung anyar tambak|rungkut menanggal|rungkut tengah|rungkut asri|rungkut industri|rungkut kidul|
    kali rungkut|kalirungkut|karah|kebonsari|pagesangan|kebraon|kedurus|warugunung|bulak banteng|
    tambak wedi|tanah kali kedinding|sidotopo wetan|sidotopo|dupak|kemayoran|morokrembangan|perak|
    perak barat|perak timur|perak utara|bangkingan|lidah kulon|lidah wetan|sumur welut|dukuh sutorejo|
    sutorejo|kalijudan|kalisari|kejawan putih|kejawan putih tambak|manyar|manyar sabrangan|bongkaran|
    krembangan utara|nyamplungan|babat jerawat|sumber rejo|sumberejo|kedung baruk|medokan|medokan ayu|
    medokan semampir|penjaringan sari|penjaringansari|wonorejo|bringin|lontar|banyu urip|banyuurip|
    kupang krajan|putat jaya|putat gede|patemon|petemon|pegirian|wonokusumo|kapasan|sidodadi|simolawang|
    tambakrejo|tambak rejo|gebang putih|keputih|klampis|klampis ngasem|menur|menur pumpungan|nginden|
    nginden jangkungan|semolowaru|simomulyo|simomulyo baru|sonokwijenan|tanjungsari|dukuh setro|setro|
    kapas madya|kapas krampung|pacar keling|pacar kembang|pacarkembang|rangkah|balongsari|banjar sugihan|
    karang poh|manukan|manukan kulon|manukan wetan|kedungdoro|keputran|kendangsari|kutisari|panjang jiwo|
    babatan|balas klumprik|jajar tunggal|jajartunggal|bendul merisi|jemur wonosari|jemurwonosari|jemursari|
    margorejo|sidosermo|siwalankerto|darmo|darmo permai|jagir|ngagel|ngagel jaya|ngagelrejo|ngagel rejo|
    sawunggaling|tunjungan|bratang|pandugo|pogot|tanah merah|mulyosari|dharmahusada|dharmawangsa|
    kertajaya indah|kenjeran|suramadu|citraland|pakuwon|gayungsari|kebonsari|menganti|sidoyoso|simo|
    kedung tarukan|dinoyo|kupang|pakis|petemon|tambak|kalibokor|kalidami|mojoarum|sukodono|sidoluhur|
    ampel|dr soetomo|soetomo|mayjend sungkono|ahmad yani|a yani|merr|its|unair|kusuma bangsa|raya darmo|
    basuki rahmat|diponegoro|urip sumoharjo|kapas baru|gembong|undaan|kranggan|tidar|demak|rungkut harapan
    """.split("|")
)
"""Surabaya kecamatan, kelurahan and well-known area and street names (public administrative
geography, written for this module): a name alone is a place ("air mati di tembok dukuh")."""

_AREA_ALTERNATIVES = sorted(
    {"".join(r"\s*" if c == " " else re.escape(c) + "+" for c in a) for a in SURABAYA_AREAS}, key=len, reverse=True
)
SURABAYA_AREA_PATTERN = re.compile(r"\b(?:di)?(?:" + "|".join(_AREA_ALTERNATIVES) + r")\b")
"""A Surabaya area name, also written joined to "di" ("disetro"). The names are folded and the text is
not, so every letter may repeat ("merr", "sukomanunggal")."""

PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
HASHTAG = re.compile(r"#\w+")
MENTION = re.compile(r"@\w+")
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
NAME_WORD = r"([a-z][a-z0-9']*|\d+[a-z]?)"

RT_RW = re.compile(r"\b(?:rt|rw)\s*\.?\s*:?\s*0*\d+|\brt\s*/\s*rw\s*\.?\s*\d+|\b\d{1,3}\s*/\s*\d{1,3}\s*rt\b")
HOUSE_NUMBER = re.compile(r"\b(?:no|nomor|nmr|nomer)\s*\.?\s*:?\s*\d+")
STREET = re.compile(r"\b(?:di)?(jl|jln|jaln|jlan|jalan|jalanan)\b[ \t]*\.?[ \t]*(?:raya\s+)?" + NAME_WORD)
PLACE_HEAD = re.compile(
    r"\b(rumah\s+sakit|rumah\s+pompa|pintu\s+air|"
    # both spellings: folding turns "gg" into "g" and "mall" into "mal", the raw text is not folded
    + "|".join(sorted(LOCATION_HEAD_WORDS | LOCATION_HEADS, key=len, reverse=True))
    # the name is looked ahead at, so that a head may itself be the name of the head before it ("pintu air
    # waduk X": "waduk" is no name of "pintu air", "X" is that of "waduk")
    + r")\b(?=[ \t]*\.?[ \t]*(?:raya\s+)?"
    + NAME_WORD
    + ")"
)
AREA_PHRASE = re.compile(
    r"\b(?:di|daerah|didaerah|wilayah|diwilayah|kawasan|dikawasan|sekitar|lokasi|alamat|area|perbatasan)\b"
    r"\s*:?\s*(?:(?:daerah|wilayah|kawasan|sekitar|sekitaran)\s+)?([a-z][a-z']*)"
)
STREET_NUMBER = (
    r"(?:[ivx]{1,4}|\d{1,3}[a-z]?)\b(?![.:,]\d)(?!\s*(?:cm|m|meter|jam|hari|kali|%))"
    r"(?!\s*(?:titik|unit|buah|orang|rumah|kk|lembar|ekor|batang|tiang)\b)"
)
"""The number or roman numeral of a street ("Sidoyoso 4", "Rungkut Asri III"), not a quantity ("10 titik
lampu", "3 tiang"), a clock time or a decimal ("hadir 08.06")."""
NAME_NUMBER = re.compile(r"\b([a-z]{4,})\s+" + STREET_NUMBER)
"""A name followed by a number or roman numeral, as Surabaya streets are written ("sidoyoso 4")."""
NAME_GOES_ON = re.compile(
    r"(?:[ \t]+([a-z][a-z']{2,}))?[ \t]+(?:"
    + STREET_NUMBER
    + r"|(?:barat|timur|utara|selatan|lor|kidul|wetan|kulon)\b)"
)
"""What follows a name: a street number or a compass word, after at most one more word ("jalan lempung
perdana IV", "jalan randu barat"): an ordinary word so continued is a name."""
NEXT_WORD = re.compile(r"[ \t]+([a-z][a-z']{3,})")
VERB_LIKE = re.compile(r"^(?:di|ter|ber|mem|men|meng|meny|per)[a-z]{3,}(?:kan|i|nya)$|kan$|^(?:ter|ber)[a-z]{4,}$")
"""Affixed verbs ("digunakan", "diperbaiki", "realisasikan", "terhambat") are never the name after
"jalan" or "di". (Surabaya area names that look affixed, such as "Menanggal", are in
:data:`SURABAYA_AREAS`.)"""
TIMES = re.compile(
    r"\b(?:ber)?kali\s*-?\s*kali\b|"
    r"\b(?:\d+|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|beberapa|berapa|ber|banyak)"
    r"\s*(?:x|kali)\b|\bkali\s+(?:ini|ke|lipat)\b|\bkali\s*-?\s*kali\b",
    re.IGNORECASE,
)
"""'kali' as 'times' ("8 kali"), not as a canal."""

KERJA_BAKTI = re.compile(r"\bkerja\s*bakti\b", re.IGNORECASE)
CALL_CENTER = re.compile(r"\bcall\s*cent(?:er|re)\b", re.IGNORECASE)
CASED_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
CAPITALISED_SHARE = 0.4
"""Above this share of capitalised words, a text is written in Title Case or shouted: its capitals mark no names."""

REDUPLICATION = re.compile(r"\b([a-z]{3,})2([a-z]*)\b", re.IGNORECASE)
"""'mabuk2an', 'anak2': the 2 repeats the word."""

NOT_BEFORE_NUMBER = NOT_A_NAME | _words(
    """
    titik tahun bulan hari jam minggu menit detik kali lantai kelas anak orang rumah unit buah
    lembar meter km cm ribu juta rp rupiah nomor no nmr tanggal tgl pukul sekitar kurang lebih
    sebanyak hampir lebih total usia umur periode tahap gelombang angkatan covid pasal
    """
)

NEGATED = re.compile(
    r"\b(?:tidak|tdk|tak|gak|ga|gk|nggak|ngga|enggak|belum|blm|belom|bukan|kurang)\s+"
    r"(?:bisa\s+|bs\s+|ada\s+|pernah\s+|di\s+)?[a-z]{3,}"
)
"""'tidak teratur', 'belum diangkut', 'tdk bisa surut': a negated word says what is wrong."""

DURATION = re.compile(
    r"\b(?:sudah|sdh|udah|sejak|selama|hampir|lebih)\s+(?:\d+|satu|dua|tiga|empat|lima|se|beberapa)\s*"
    r"(?:hari|hr|minggu|mgg|bulan|bln|tahun|thn|th|pekan)\b"
)
"""'sudah 1 minggu', 'sejak 3 hari': how long a named object has been wrong states a problem ("air PDAM
sudah 1 minggu")."""

CITY_WIDE = re.compile(
    r"\b(?:saran|usul|usulan|menyarankan|kebijakan|peraturan|perwali|perda|"
    r"(?:seluruh|semua|se)\s*-?\s*(?:kota\s+)?surabaya|kota\s+surabaya\s+ini|di\s+kota\s+surabaya)\b"
)
"""A suggestion or a complaint about a rule or the whole city: it is not tied to one place."""

FLOOD_STATUS_ONLY = re.compile(
    r"\b(?:belum|blm|blum|belom|tidak|tdk|tak|gak|ga|ngak|nggak|lama|lambat|susah|sulit|pelan)\s+"
    r"(?:juga\s+|kunjung\s+)?surut\w*(?:\s+surut\w*)?"
    r"|\bsurut\w*\s+(?:nya\s+)?(?:sangat\s+|sgt\s+|sekali\s+)?(?:lama|lambat|pelan)"
    r"|\b(?:belum|blm|tidak|tdk|tak|gak|ga)\s+(?:ter\s*|di\s*)?(?:atasi|tangani)\w*"
)
"""'belum surut', 'gak surut2', 'surutnya sangat lama', 'tidak teratasi': still flooded, a status without
content (guideline rule 14)."""

RAIN = re.compile(
    r"\b(?:(?:setiap|tiap|stp|kalau|kalo|klo|jika|bila|apabila)\s+(?:kali\s+)?)?(?:curah\s+|intensitas\s+)?(?:hujan|ujan)\b"
    r"(?:\s+(?:yang|yg|sangat|sgt|cukup|terlalu|deras|lebat|besar|gede|tinggi|terus|menerus|turun|mengguyur|"
    r"gak|ga|g|tidak|tdk|tak|berhenti|berenti))*"
    r"(?:\s+(?:sejak|semenjak|dari|dr|mulai)\s+(?:jam\s+|pukul\s+|pkl\s+)?"
    r"(?:\d+(?:[.:]\d+)?|dini\s*hari|subuh|shubuh|pagi|semalam|semalem|kemarin|kemaren|kmrn|malam|sore|siang)"
    r"(?:\s+(?:pagi|hari|malam|sore|siang))?(?:\s+(?:sampai|sampe|smp|hingga)\s+(?:skrg|sekarang|saat\s+ini))?)?"
)
"""Rain, how hard, since when, or a flood 'whenever it rains' ('krn hujan deras dari subuh', 'curah hujan
tinggi', 'tiap ujan'): it dates and measures the rain, not the water, and 'floods whenever it rains' is
'floods always' (guideline rule 14 and its third- and fourth-round decisions)."""

FLOOD_DURATION = re.compile(
    r"\b(?:sejak|semenjak|dari|dr|mulai|sampai|sampe|smp|hingga)\s+(?:jam\s+|pukul\s+|pkl\s+)?"
    r"(?:\d|pagi|subuh|shubuh|dini\s*hari|semalam|kemarin|kemaren|kmrn|kmrin|malam|sore|siang|"
    r"tadi\s+(?:pagi|subuh|siang|sore|malam))"
    r"|\b(?:sudah|sdh|udah|hampir|lebih|selama)\s+(?:\d+|satu|dua|tiga|se|beberapa)\s*(?:jam|hari|hr|malam)\b"
    r"|\bseharian\b|\bsemalaman\b"
)
"""How long the water has stood: a start or clock time ('sejak subuh', 'sampai jam 15.30 belum surut',
'sudah 2 hari'). With a flood word it is an observation (guideline rule 14, as clarified in the third
round: a dated 'not yet receded' is actionable, an undated one is not)."""

UNNAMED_RT_RW = re.compile(
    r"\b(?:pak|bu|ketua|oknum|pengurus)\s+(?:rt|rw)\b(?![\s.:]*\d)|\b(?:rt|rw)\s+(?:setempat|kami|saya|sendiri)\b"
    r"|\bdi\s+(?:rt|rw)\b(?![\s.:/]*\d)"
)
"""An RT or RW head named without a number ('pak RT', 'RW setempat'): an office the officer cannot find,
counted as a place-bound object (guideline rule 17), like a neighbour (rule 5)."""

FLOOD_WORD = re.compile(r"\b(?:banjir\w*|genang\w*|tergenang|surut\w*|air\w*|rob)\b")

CASE_REFERENCE = re.compile(
    r"\b\d{3,}\s*/\s*[a-z]{2,}\b|\b(?:laporan|tiket|ticket|pengaduan|aduan)\s+(?:no|nomor|nomer|nmr)\b\s*\.?\s*:?\s*\d{3,}"
)
"""A ticket number ('No 25264/MC/IX/2022', 'laporan nomor 12345'): a follow-up whose case can be found
(guideline rule 4)."""

OWN_ASK = re.compile(
    r"\b(?:ingin|mau|pengen|pingin|kepingin|berharap)\s+(?:bisa\s+)?"
    r"(?:dapat|dapet|mendapat|mendapatkan|menerima|memperoleh)\b"
    r"|\bdibantu\s+(?:untuk\s+|utk\s+)?(?:biaya|pembiayaan)\b"
)
"""The reporter's wish to receive a programme or help with a named cost ('ingin dapat PKH'): an own-case
request (guideline rule 19)."""

NOT_RECEIVED = re.compile(
    r"\b(?:belum|blm|belom|tidak|tdk|gak|ga|nggak|tak)\s+(?:pernah\s+|pernh\s+)?"
    r"(?:dapat|dapet|dpt|mendapat|mendapatkan|menerima|terima)\s+"
    r"(?:bantuan|bntuan|bansos|dana|uang|honor|gaji|thr|pekerjaan|kerja)\b"
)
"""Aid, money or work the reporter never received ('belum pernah dapat bantuan'): the reporter's own case,
stated (guideline rule 19), though no programme is named."""

ASK_FOR = re.compile(r"\b(?:minta|meminta|permintaan|permohonan|pengajuan|mengajukan)\s+(?:bantuan\s+)?([a-z-]+)")
"""An ask for a thing ('minta bantuan paving', 'pengajuan PJU'): a request when the thing is a place-bound
object."""


QUESTION = re.compile(r"\?|\b(?:apakah|kenapa|mengapa|kapan|bagaimana|gimana|berapa|dimana|kok|koq|knp|apa)\b")
