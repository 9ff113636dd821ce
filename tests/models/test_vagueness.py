"""The vagueness scorer: cue detectors, reasons, threshold, and the fit on the hand annotation."""

import numpy as np
import pytest
from made_up_names import made_up_word
from sklearn.base import clone

from models.report import Report
from models.settings import Settings
from models.vagueness.cues import detect_cues
from models.vagueness.rules import REASONS, rule_reasons
from models.vagueness.scorer import FEATURE_NAMES, VagueInput, VaguenessScorer, text_document
from models.vagueness.vocabulary import FOLD_CACHE_SIZE, fold

SPECIFIC = "Lampu PJU di depan Gang 3 Jl. Ngagel Jaya Selatan RT 04 RW 02 mati sejak Senin, mohon diperbaiki."

# Fictional reports written for these tests, labelled by the guidelines (data/annotations/vague_guidelines.md).
TRAINING = [
    (SPECIFIC, False, "actionable"),
    ("Jalan berlubang besar di Jl. Raya Kendangsari dekat SPBU, sudah ada motor jatuh.", False, "actionable"),
    ("Sampah menumpuk di TPS Pasar Keputran sudah tiga hari belum diangkut.", False, "actionable"),
    ("Saluran air RT 04 RW 02 mampet, kalau hujan air masuk rumah warga.", False, "actionable"),
    ("KTP elektronik saya sudah direkam Januari tapi sampai sekarang belum dicetak.", False, "actionable"),
    ("Bagaimana syarat mengurus surat pindah domisili ke luar kota?", False, "actionable"),
    ("Banjir setinggi lutut, mobil tidak bisa lewat.", True, "actionable"),
    ("#banjir air masuk ke rumah warga sejak subuh.", True, "actionable"),
    ("Pohon tumbang menutup jalan di depan SDN Ketabang 1.", False, "actionable"),
    ("Tolong diperbaiki.", False, "vague"),
    ("Mohon segera ditindaklanjuti pak, terima kasih.", False, "vague"),
    ("Assalamualaikum pak, selamat pagi.", False, "vague"),
    ("#drainaseburuk", True, "vague"),
    ("Lampu jalan mati sudah seminggu.", False, "vague"),
    ("Ada jalan berlubang bahaya buat pengendara.", False, "vague"),
    ("Sampah di depan rumah saya tidak diangkut.", False, "vague"),
    ("Banjir", True, "vague"),
    ("Kapan cair pak?", False, "vague"),
]


def _fit(mode: str = "learned", **params) -> VaguenessScorer:
    texts = [VagueInput(text, has_point=point) for text, point, _ in TRAINING]
    return VaguenessScorer(mode=mode, **params).fit(texts, [label for *_, label in TRAINING])


@pytest.fixture(params=["rules", "learned"])
def scorer(request) -> VaguenessScorer:
    return _fit(request.param)


def test_greeting_or_hashtag_only_is_vague_with_that_reason(scorer):
    for text in ("Selamat pagi pak, terima kasih 🙏", "#banjir #cuacaekstrim"):
        (assessment,) = scorer.assess([text])
        assert assessment.is_vague
        assert "greeting_or_hashtag_only" in assessment.reason_codes


def test_a_street_light_out_without_a_place_is_vague_for_its_location(scorer):
    (assessment,) = scorer.assess(["PJU mati"])
    assert assessment.is_vague
    assert "no_location" in assessment.reason_codes
    assert "no_problem" not in assessment.reason_codes  # "PJU mati" states a problem


def test_a_report_naming_street_rt_rw_and_problem_is_actionable(scorer):
    (assessment,) = scorer.assess([SPECIFIC])
    assert not assessment.is_vague
    assert assessment.reasons == []


def test_a_flood_depth_with_a_gps_point_is_actionable_but_the_same_text_without_it_needs_no_place(scorer):
    report = Report(id="pb-1", text="banjir 50 cm", lat=-6.2, lon=106.8)
    (with_point,) = scorer.assess([report])
    assert not with_point.is_vague
    assert "no_location" not in rule_reasons(detect_cues("banjir 50 cm", has_point=True))
    assert "no_location" in rule_reasons(detect_cues("banjir 50 cm", has_point=False))


def test_the_bare_category_is_vague_even_with_a_point(scorer):
    (assessment,) = scorer.assess([VagueInput("banjir", has_point=True)])
    assert assessment.is_vague
    assert "no_problem" in assessment.reason_codes
    assert "no_location" not in assessment.reason_codes


def test_a_plea_without_a_problem_asks_for_the_problem(scorer):
    (assessment,) = scorer.assess(["Mohon segera ditindaklanjuti, sudah lapor dua kali belum ada tanggapan."])
    assert assessment.is_vague
    assert assessment.reason_codes == ["no_problem"]


def test_an_own_administrative_case_needs_no_place(scorer):
    (assessment,) = scorer.assess(["Anak saya sudah terdaftar MBR tapi kenapa tidak menerima bantuan seragam?"])
    assert not assessment.is_vague


def test_placeholders_are_neutral():
    masked = detect_cues("NIK [NIK] atas nama [NAMA] belum terdaftar DTKS padahal sudah diverifikasi")
    assert not rule_reasons(masked)
    assert rule_reasons(detect_cues("[NAMA] [TELEPON]")) == ["no_problem", "greeting_or_hashtag_only"]


def test_every_vague_report_gets_a_reason_with_a_request_in_indonesian(scorer):
    texts = [text for text, *_ in TRAINING] + ["ok", "gimana ini", "sudah 3 hari", "pelayanan lama"]
    for assessment in scorer.assess(texts):
        assert bool(assessment.reasons) == assessment.is_vague
        for reason in assessment.reasons:
            assert reason is REASONS[reason.code]
            assert reason.description and reason.request.startswith(("Mohon", "Laporan"))


def test_the_threshold_decides_the_flag():
    texts = [text for text, *_ in TRAINING] + ["Lampu jalan mati", "Mohon info"]
    low, high = _fit(threshold=0.05), _fit(threshold=0.95)
    scores = low.predict_proba(texts)[:, 1]
    np.testing.assert_allclose(scores, high.predict_proba(texts)[:, 1])
    assert [a.is_vague for a in low.assess(texts)] == list(scores >= 0.05)
    assert [a.is_vague for a in high.assess(texts)] == list(scores >= 0.95)
    assert sum(a.is_vague for a in low.assess(texts)) > sum(a.is_vague for a in high.assess(texts))
    assert list(high.predict(texts)) == list((scores >= 0.95).astype(int))


def test_a_learned_flag_without_a_rule_reason_still_gets_one():
    scorer = _fit(threshold=0.0)  # everything is flagged, also reports no rule finds vague
    (assessment,) = scorer.assess([SPECIFIC])
    assert assessment.is_vague and len(assessment.reasons) == 1


def test_the_learned_mode_stacks_a_text_model_on_the_cues_when_each_class_fills_the_folds():
    stacked, cues_only = _fit(), _fit(text_C=None)
    assert stacked.text_model_ is not None and stacked.n_features_in_ == len(FEATURE_NAMES) + 1
    assert cues_only.text_model_ is None and cues_only.n_features_in_ == len(FEATURE_NAMES)
    texts = [text for text, *_ in TRAINING]
    assert not np.allclose(stacked.predict_proba(texts), cues_only.predict_proba(texts))
    few = VaguenessScorer().fit([SPECIFIC, "Tolong diperbaiki.", "Banjir", "Kapan cair pak?"], [0, 1, 1, 1])
    assert few.text_model_ is None  # one actionable report cannot fill five folds


def test_the_text_model_reads_the_point_the_title_and_the_text():
    flood = VagueInput("air masuk rumah", title="Banjir", has_point=True)
    assert text_document(flood) == "[TITIK] Banjir air masuk rumah"
    assert text_document("PJU mati") == "PJU mati"


def test_the_scorer_follows_the_estimator_contract():
    scorer = VaguenessScorer(mode="learned", threshold=0.4, C=0.5)
    assert clone(scorer).get_params() == scorer.get_params()
    with pytest.raises(Exception, match="not fitted"):
        scorer.predict_proba(["PJU mati"])
    fitted = _fit(threshold=0.4, C=0.5)
    proba = fitted.predict_proba(["PJU mati", SPECIFIC])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="mode"):
        VaguenessScorer(mode="magic").fit(["x"], [0])


def test_report_like_inputs_agree():
    as_report = Report(id="sby-1", text="Lampu jalan mati", title=None)
    as_dict = {"text": "Lampu jalan mati", "lat": None, "lon": None}
    scorer = _fit()
    scores = scorer.predict_proba([as_report, as_dict, "Lampu jalan mati", ("Lampu jalan mati", False)])[:, 1]
    assert np.ptp(scores) == 0


def test_a_flood_that_has_not_receded_only_restates_the_category_but_water_entering_a_yard_is_observed(scorer):
    for status in ("Surutnya lama sekali", "banjirnya belum surut juga"):
        assert rule_reasons(detect_cues(status, has_point=True)) == ["no_problem"]
    (yard,) = scorer.assess([VagueInput("Air mulai masuk halaman rumah warga", has_point=True)])
    assert not yard.is_vague
    # without a point "belum surut" is what is wrong at the place the text names
    assert not rule_reasons(detect_cues("Kampung Bratang Gede RT 3 RW 5 airnya belum surut sejak kemarin"))


def test_a_gang_written_gg_is_a_place():
    assert "no_location" not in rule_reasons(detect_cues("Lampu PJU Gg Kenari mati"))
    assert "no_location" in rule_reasons(detect_cues("Lampu PJU di gang mati"))


def test_a_duration_says_what_is_wrong_with_a_named_object():
    assert not rule_reasons(detect_cues("Sudah 3 hari air PDAM di RT 02 RW 06"))
    assert rule_reasons(detect_cues("Air PDAM di RT 02 RW 06")) == ["no_problem"]


def test_a_city_wide_suggestion_needs_no_place():
    suggestion = "Saran saya di kota Surabaya ini jalan jangan dipasang polisi tidur karena mengganggu ambulans"
    assert "no_location" not in rule_reasons(detect_cues(suggestion))
    assert "no_location" in rule_reasons(detect_cues("Jalan dipasang polisi tidur, mengganggu ambulans"))


def test_a_word_after_a_place_head_is_not_a_name_when_it_is_a_verb_or_a_common_word():
    for text in (
        "Kalau ada pasar malam jalan menyempit dan macet",
        "Sungai terhambat sampah, air meluap",
        "Ada lubang di jalan cukup lebar, bahaya untuk motor",
    ):
        assert rule_reasons(detect_cues(text)) == ["no_location"], text


@pytest.mark.real_data
def test_fit_on_development_beats_trivial_baselines_on_the_test_part(surabaya_available, tmp_path):
    from training.vague import (
        TEST_PART,
        VagueDataUnavailableError,
        annotated_reports,
        cross_validate_vague,
        fit_vague_scorer,
    )

    settings = Settings(home=tmp_path / "home")
    try:
        annotated = annotated_reports(settings)
    except VagueDataUnavailableError as exc:
        pytest.skip(str(exc))
    test = annotated[annotated["part"] == TEST_PART]
    assert len(test) >= 200 and not set(test["id"]) & set(annotated.loc[annotated["part"] != TEST_PART, "id"])
    share_vague = (test["label"] == "vague").mean()
    flag_everything_f1 = 2 * share_vague / (1 + share_vague)
    for mode in ("learned", "rules"):
        _, metrics = fit_vague_scorer(settings, part="development", mode=mode, log_run=False, annotated=annotated)
        assert metrics["evaluated_on"] == TEST_PART and metrics["n"] == len(test)
        assert metrics["n_train"] == len(annotated) - len(test)
        assert metrics["f1"] >= flag_everything_f1 + 0.25, (mode, metrics["f1"], flag_everything_f1)
        assert metrics["precision"] >= 0.7 and metrics["recall"] >= 0.6
        development = cross_validate_vague(settings, mode=mode, annotated=annotated)
        assert development["n"] == len(annotated) - len(test) and development["folds"] == 5
        assert 0 < development["f1"] <= 1


def test_the_evaluation_says_so_when_the_real_data_is_absent(tmp_path):
    from training.datasets import DatasetUnavailableError
    from training.evaluate_vague import VagueDataUnavailableError, evaluate_vague
    from training.vague import shipped_scorer

    settings = Settings(home=tmp_path / "home", data_dir=tmp_path / "no-data")
    with pytest.raises(VagueDataUnavailableError) as raised:
        evaluate_vague(settings)
    assert isinstance(raised.value, DatasetUnavailableError)
    scorer, metadata = shipped_scorer(settings)  # a fresh machine still gets the rules
    assert metadata["mode"] == scorer.mode == "rules"
    assert scorer.assess(["PJU mati"])[0].is_vague


def test_a_dated_not_yet_receded_flood_is_an_observation_an_undated_one_restates_the_category():
    for dated in ("Dari jam 5 pagi banjirnya belum surut", "Sejak subuh air belum surut juga", "banjir sudah 2 hari"):
        assert rule_reasons(detect_cues(dated, has_point=True)) == [], dated
    for undated in ("Air banjirnya gak surut2 dari tadi", "Sudah lapor, banjir tidak tertangani sampai sekarang"):
        assert rule_reasons(detect_cues(undated, has_point=True)) == ["no_problem"], undated
    # rain with a time but no flood observation is still rain only (guideline rule 14)
    assert rule_reasons(detect_cues("Hujan deras dari pagi", has_point=True)) == ["no_problem"]
    assert rule_reasons(detect_cues("Kiriman air #banjirkiriman", has_point=True)) == ["no_problem", "too_short"]


def test_a_ticket_number_or_an_own_wish_to_receive_a_programme_is_a_stated_case():
    assert rule_reasons(detect_cues("Bagaimana tindak lanjut laporan 12345/MC/I/2023?")) == []
    assert rule_reasons(detect_cues("Mohon kelanjutan laporan saya, terima kasih")) == ["no_problem"]
    assert rule_reasons(detect_cues("Saya ingin mendapatkan PKH, suami tidak bekerja")) == []
    assert rule_reasons(detect_cues("Soal bantuan PKH keluarga saya")) == ["no_problem"]


def test_area_names_match_with_doubled_letters_and_split_affixes_are_no_street_names():
    assert "no_location" not in rule_reasons(detect_cues("Lampu PJU mati di bundaran Merr"))
    assert "no_location" not in rule_reasons(detect_cues("Jalan berlubang dekat Sukomanunggal"))
    assert rule_reasons(detect_cues("Jln ber lobang dan got mampet, bahaya")) == ["no_location"]
    assert rule_reasons(detect_cues("Pohon tumbang di halaman masjid")) == ["no_location"]


def test_a_neighbour_or_an_unnamed_rt_needs_a_place():
    assert rule_reasons(detect_cues("Tetangga setel musik keras tiap malam, sangat mengganggu")) == ["no_location"]
    assert rule_reasons(detect_cues("Tetangga di RT 03 RW 07 Kalirungkut setel musik keras tiap malam")) == []
    assert rule_reasons(detect_cues("Pak RT setempat menutup jalan kampung untuk hajatan")) == ["no_location"]
    # "di tegur": a passive verb written apart is no place
    parked = "Tetangga sudah di tegor tapi tidak ditanggapi, tetap parkir di depan rumah"
    assert rule_reasons(detect_cues(parked)) == ["no_location"]


def test_a_common_word_after_di_sekitar_jalan_or_a_place_head_is_no_place_name():
    for text in (
        "Sampah di sungai jarang diangkut petugas",
        "Lampu jalan padam, pengguna jalan bingung",
        "Kabel menjuntai di titik yang sama",
        "Warga sekitar membuat tutup got dari kayu karena got rusak",
        "lampu pju mati di jalan mangga",
        "Jalan berlubang depan pom bensin",
        # shouted, capitals say nothing: the common word is still no name
        "SAMPAH DI SUNGAI JARANG DIANGKUT PETUGAS",
    ):
        assert rule_reasons(detect_cues(text)) == ["no_location"], text


def test_a_word_after_a_place_word_is_a_name_when_it_looks_like_one():
    for text in (
        "Sampah di sungai Kalimirjo jarang diangkut petugas",  # capitalised in a lower-case text
        "sampah di sungai kalimirjo jarang diangkut petugas",  # no Indonesian word
        "lampu pju mati di jalan mangga barat",  # an ordinary word continued like a street name
        "lampu pju mati di jalan mangga 3",
        "lampu pju mati di Jalan Mangga",
        "lampu pju mati di jl mangga",  # after "jl" any word that is no common word is a name
        "got mampet di rel kalimirjo",
        "Jalan berlubang depan pom Shell Kalimirjo",
    ):
        assert rule_reasons(detect_cues(text)) == [], text


def test_with_a_point_a_word_after_a_place_head_still_names_the_place():
    assert rule_reasons(detect_cues("Kali Pesanggrahan perbatasan Taman Sumberjati", has_point=True)) == ["no_problem"]


def test_a_gang_number_alone_is_no_location_but_narrows_a_street_down():
    assert rule_reasons(detect_cues("Saluran mampet di gg 7")) == ["no_location"]
    assert rule_reasons(detect_cues("Saluran mampet di Jl. Kenari gg 7")) == []


def test_a_street_written_joined_to_di_is_a_street():
    assert rule_reasons(detect_cues("Lampu PJU dijalan Sumberjati mati")) == []
    assert rule_reasons(detect_cues("Lampu PJU dijalan rusak")) == ["no_location"]


def test_a_clock_time_is_no_street_number():
    assert "name_number" in detect_cues("pju mati di depan wirokerten 5").location_kinds
    assert "name_number" not in detect_cues("pju mati, lapor wirokerten 05.30").location_kinds


def test_an_official_addressed_is_no_place_name_with_a_point():
    plea = "#banjirkiriman mohon perhatiannya calon gubernur DKI"
    assert rule_reasons(detect_cues(plea, has_point=True)) == ["no_problem"]
    placed = "#banjirkiriman mohon perhatiannya komplek Sumberjati"
    assert rule_reasons(detect_cues(placed, has_point=True)) == []


def test_a_dangling_cable_an_active_work_verb_or_an_ask_for_an_object_states_the_problem():
    assert rule_reasons(detect_cues("Kabel menjuntai di Jl. Sumberjati")) == []
    assert rule_reasons(detect_cues("Kabel di Jl. Sumberjati")) == ["no_problem"]
    assert rule_reasons(detect_cues("Mohon dibantu merapikan pohon di Jl. Sumberjati 12")) == []
    assert rule_reasons(detect_cues("Mohon dibantu pohon di Jl. Sumberjati 12")) == ["no_problem"]
    assert rule_reasons(detect_cues("minta bantuan paving di Jl. Sumberjati 4")) == []
    assert rule_reasons(detect_cues("minta bantuan di Jl. Sumberjati 4")) == ["no_problem"]


def test_a_flooded_road_is_a_flood_observation():
    assert rule_reasons(detect_cues("Jalanan tergenang waktu hujan", has_point=True)) == []
    assert rule_reasons(detect_cues("Jalanan waktu hujan", has_point=True)) == ["no_problem"]


def test_youths_gathering_at_night_need_a_place():
    assert rule_reasons(detect_cues("Anak muda nongkrong tiap malam sampai subuh, berisik")) == ["no_location"]
    assert rule_reasons(detect_cues("Anak muda nongkrong tiap malam di RT 3 RW 5 Sumberjati, berisik")) == []


def test_rain_dates_no_flood_and_a_flood_whenever_it_rains_only_restates_the_category():
    assert rule_reasons(detect_cues("Banjir karena hujan deras dari subuh", has_point=True)) == ["no_problem"]
    assert rule_reasons(detect_cues("Banjir tiap hujan", has_point=True)) == ["no_problem"]
    assert rule_reasons(detect_cues("Banjir sejak subuh karena hujan deras", has_point=True)) == []
    assert rule_reasons(detect_cues("Jalan tergenang tiap hujan", has_point=True)) == []


def test_with_a_point_a_place_and_not_yet_receded_is_a_place_and_the_category():
    assert rule_reasons(detect_cues("Di komplek Griya Sumberjati pagi ini masih belum surut", has_point=True)) == []
    assert rule_reasons(detect_cues("Pagi ini masih belum surut", has_point=True)) == ["no_problem"]


def test_water_standing_on_a_road_names_what_is_flooded():
    assert rule_reasons(detect_cues("Air masih menggenang jalan", has_point=True)) == []
    assert rule_reasons(detect_cues("Air masih ada", has_point=True)) == ["no_problem"]


def test_a_count_of_lamps_is_no_street_number():
    counted = "Mohon pemasangan lampu penerangan dengan rincian 10 titik"
    assert rule_reasons(detect_cues(counted)) == ["no_location"]
    assert rule_reasons(detect_cues("Mohon pemasangan lampu penerangan di Sumberjati 10")) == []


def test_a_place_head_may_be_the_name_of_the_head_before_it():
    assert detect_cues("pintu air waduk Sumberjati rusak").has_location
    assert not detect_cues("pintu air waduk rusak").has_location


def test_aid_never_received_is_a_stated_own_case():
    assert rule_reasons(detect_cues("saya belum pernah dapat bantuan")) == []
    assert rule_reasons(detect_cues("Parkir liar di gang sampai jalan tidak dapat dilalui")) == ["no_location"]


def test_karaoke_and_loud_exhausts_need_a_place_and_e_peken_is_an_own_case():
    assert rule_reasons(detect_cues("Warkop karaoke sampai jam 12 malam, sangat mengganggu")) == ["no_location"]
    assert rule_reasons(detect_cues("Warkop karaoke di Jl. Sumberjati 12 sampai jam 12 malam, sangat mengganggu")) == []
    assert rule_reasons(detect_cues("knalpot brong tiap malam mengganggu")) == ["no_location"]
    assert detect_cues("sudah masuk e-peken tapi belum ada kelanjutannya").own_case_topics
    assert not detect_cues("sudah masuk tapi belum ada kelanjutannya").own_case_topics


def test_the_words_folded_between_calls_are_bounded():
    # A serving process meets new words (names among them) for as long as it lives.
    assert fold("banjiirrr") == "banjir"
    for i in range(FOLD_CACHE_SIZE + 300):
        detect_cues(f"Lampu {made_up_word('zor', i)} mati", None, False)
    assert fold.cache_info().currsize == FOLD_CACHE_SIZE
