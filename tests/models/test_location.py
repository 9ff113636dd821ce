"""Gazetteer and location verdicts.

The fixture is a made-up 3 x 2 grid of 0.01-degree squares (about 1.1 km) south of Jakarta,
named after real kelurahan only so that the spelling variants are realistic:

    lat -6.28 +----------------------+------------------+-----------------+
              | HALIM PERDANA KUSUMA | KEBON BARU       | MENTENG         |
              | (MAKASAR)            | (no parent: the  | (MENTENG)       |
              |                      |  kecamatan layer |                 |
              |                      |  says TEBET)     |                 |
    lat -6.29 +----------------------+------------------+-----------------+
              | RAWA JATI            | KALIBATA         | SRENGSENG SAWAH |
              | (PANCORAN)           | (PANCORAN)       | invalid bowtie  |
    lat -6.30 +----------------------+------------------+-----------------+
           lon 106.80             106.81             106.82            106.83

Tests marked ``real_data`` use the boundary files and PetaBencana export under
``settings.data_dir`` and skip when those are absent.
"""

import itertools
import json
import math
import pickle

import pytest
import shapely

from models.location.checker import LocationChecker, Verdict
from models.location.gazetteer import Aliases, BoundaryLayer, Gazetteer, Place, TextMention
from models.location.names import normalize_name
from models.report import Report
from models.settings import Settings

LON0, LAT0, D = 106.80, -6.30, 0.01
BORDER_LON = LON0 + D  # RAWA JATI | KALIBATA
ROW0_LAT = LAT0 + D / 2

# WGS84 metres per degree of longitude at the fixture's latitude (ellipsoid, not sphere).
_A, _E2 = 6_378_137.0, 0.006_694_379_990_14


def metres_per_degree_lon(lat: float) -> float:
    phi = math.radians(lat)
    return math.pi / 180 * _A * math.cos(phi) / math.sqrt(1 - _E2 * math.sin(phi) ** 2)


def cell(col: int, row: int) -> list[list[float]]:
    x0, y0 = LON0 + col * D, LAT0 + row * D
    return [[x0, y0], [x0 + D, y0], [x0 + D, y0 + D], [x0, y0 + D], [x0, y0]]


def bowtie(col: int, row: int) -> list[list[float]]:
    """A self-intersecting ring: the left and right triangles of the cell, crossing at its centre."""
    x0, y0 = LON0 + col * D, LAT0 + row * D
    return [[x0, y0], [x0 + D, y0 + D], [x0 + D, y0], [x0, y0 + D], [x0, y0]]


def centre(col: int, row: int) -> tuple[float, float]:
    return LAT0 + (row + 0.5) * D, LON0 + (col + 0.5) * D


def feature(props: dict, ring: list[list[float]]) -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def write_collection(path, features: list[dict]) -> BoundaryLayer:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return BoundaryLayer(path)


ALIASES = {
    "description": "test aliases",
    "kelurahan": {"HALIM PERDANA KUSUMAH": "HALIM PERDANA KUSUMA", "HALIM": "HALIM PERDANA KUSUMA"},
    "kecamatan": {"MAKASSAR": "MAKASAR"},
    "kota": {"JAKSEL": "JAKARTA SELATAN"},
    "region": ["DKI JAKARTA", "JAKARTA"],
    "weak_mentions": ["HALIM"],
}


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("geo")
    kelurahan = write_collection(
        folder / "kelurahan.geojson",
        [
            feature({"area_name": "RAWA JATI", "parent_name": "PANCORAN"}, cell(0, 0)),
            feature({"area_name": "KALIBATA", "parent_name": "PANCORAN"}, cell(1, 0)),
            feature({"area_name": "SRENGSENG SAWAH", "parent_name": "JAGAKARSA"}, bowtie(2, 0)),
            feature({"area_name": "HALIM PERDANA KUSUMA", "parent_name": "MAKASAR"}, cell(0, 1)),
            feature({"area_name": "KEBON BARU", "parent_name": None}, cell(1, 1)),
            feature({"area_name": "MENTENG", "parent_name": "MENTENG"}, cell(2, 1)),
        ],
    )
    pancoran = [[LON0, LAT0], [LON0 + 2 * D, LAT0], [LON0 + 2 * D, LAT0 + D], [LON0, LAT0 + D], [LON0, LAT0]]
    kecamatan = write_collection(
        folder / "kecamatan.geojson",
        [
            feature({"area_name": "PANCORAN", "parent_name": "JAKARTA SELATAN"}, pancoran),
            feature({"area_name": "JAGAKARSA", "parent_name": "JAKARTA SELATAN"}, cell(2, 0)),
            feature({"area_name": "MAKASAR", "parent_name": "JAKARTA TIMUR"}, cell(0, 1)),
            feature({"area_name": "TEBET", "parent_name": "JAKARTA SELATAN"}, cell(1, 1)),
            feature({"area_name": "MENTENG", "parent_name": "JAKARTA PUSAT"}, cell(2, 1)),
        ],
    )
    return kelurahan, kecamatan


@pytest.fixture(scope="module")
def gazetteer(layers) -> Gazetteer:
    kelurahan, kecamatan = layers
    return Gazetteer.from_geojson(kelurahan, kecamatan, aliases=ALIASES, name="fixture")


@pytest.fixture(scope="module")
def checker(gazetteer) -> LocationChecker:
    return LocationChecker(gazetteer)


def report(lat=None, lon=None, kelurahan=None, text="banjir", **fields) -> Report:
    return Report(id="t-1", text=text, lat=lat, lon=lon, kelurahan=kelurahan, **fields)


KALIBATA = Place("KALIBATA", "PANCORAN", "JAKARTA SELATAN")
RAWA_JATI = Place("RAWA JATI", "PANCORAN", "JAKARTA SELATAN")


# ------------------------------------------------------------------ gazetteer


def test_lookup_and_hierarchy(gazetteer):
    assert len(gazetteer) == 6 and gazetteer.metric_crs == "EPSG:32748"
    assert gazetteer.locate(*centre(1, 0)) == KALIBATA
    assert gazetteer.locate(*centre(2, 1)) == Place("MENTENG", "MENTENG", "JAKARTA PUSAT")
    assert gazetteer.locate(LAT0 - 0.01, LON0) is None
    points = [centre(c, r) for c in range(3) for r in range(2)] + [(LAT0 - 0.01, LON0)]
    lats, lons = zip(*points, strict=True)
    assert gazetteer.locate_many(lats, lons).tolist() == [gazetteer.locate_index(a, b) for a, b in points]
    assert set(gazetteer.kota) == {"JAKARTA SELATAN", "JAKARTA TIMUR", "JAKARTA PUSAT"}
    assert set(gazetteer.neighbours(KALIBATA)) >= {RAWA_JATI, gazetteer.locate(*centre(1, 1))}


def test_missing_parent_is_filled_from_the_kecamatan_polygons(gazetteer):
    assert gazetteer.locate(*centre(1, 1)) == Place("KEBON BARU", "TEBET", "JAKARTA SELATAN")
    assert any("KEBON BARU" in defect and "TEBET" in defect for defect in gazetteer.defects)


def test_invalid_polygon_is_repaired(gazetteer):
    assert gazetteer.repaired == ("SRENGSENG SAWAH",)
    place = Place("SRENGSENG SAWAH", "JAGAKARSA", "JAKARTA SELATAN")
    geometry = gazetteer.geometry(place)
    assert geometry.is_valid and geometry.area == pytest.approx(D * D / 2)
    x0 = LON0 + 2 * D
    assert gazetteer.locate(ROW0_LAT, x0 + 0.1 * D) == place  # left triangle of the bowtie
    assert gazetteer.locate(LAT0 + 0.1 * D, x0 + 0.5 * D) is None  # bottom notch: not in the polygon


def test_a_pickled_gazetteer_answers_as_the_one_built_from_the_files(gazetteer, checker):
    # The model bundle carries the gazetteer as a pickle, so the service reads no boundary files.
    copy = pickle.loads(pickle.dumps(gazetteer))
    assert (copy.places, copy.repaired, copy.defects, copy.kota, copy.version, copy.metric_crs) == (
        gazetteer.places,
        gazetteer.repaired,
        gazetteer.defects,
        gazetteer.kota,
        gazetteer.version,
        gazetteer.metric_crs,
    )
    copied = LocationChecker(copy, margin_m=checker.margin_m)
    claims = ["Menteng", "Kalibata", "Rawa Jati", "Srengseng Sawah", "Nowhere"]
    points = [centre(c, r) for c in range(3) for r in range(2)] + [
        (ROW0_LAT, BORDER_LON + 20 / metres_per_degree_lon(ROW0_LAT))
    ]
    for (lat, lon), claim in itertools.product(points, claims):
        assert copied.check(report(lat, lon, claim)) == checker.check(report(lat, lon, claim))


def test_normalize_name():
    assert normalize_name("Kel. Kp. Melayu", "kelurahan") == "kampung melayu"
    assert normalize_name("KOTA BAMBU SELATAN", "kelurahan") == "kota bambu selatan"
    assert normalize_name("Kota Adm. Jakarta Barat", "kota") == "jakarta barat"
    assert normalize_name("Pegangsaan II", "kelurahan") == "pegangsaan dua"
    assert normalize_name("Pondok  Pinang", "kelurahan") == "pondok pinang"
    assert normalize_name("Séréal", "kelurahan") == "sereal"


def test_alias_targets_must_exist(layers):
    with pytest.raises(ValueError, match="NOWHERE"):
        Gazetteer.from_geojson(layers[0], aliases=Aliases(kelurahan={"X": "NOWHERE"}))


def test_other_property_names_and_a_second_city(tmp_path, gazetteer):
    other = Gazetteer.from_geojson(
        BoundaryLayer(
            write_collection(tmp_path / "sby.geojson", [feature({"nama": "Ketintang", "kec": "Gayungan"}, [
                [112.72, -7.32], [112.74, -7.32], [112.74, -7.30], [112.72, -7.30], [112.72, -7.32]
            ])]).path,
            name_field="nama",
            parent_field="kec",
        ),
        aliases={"region": ["Surabaya"]},
        name="Surabaya",
    )  # fmt: skip
    assert other.metric_crs == "EPSG:32749"
    checker = LocationChecker([gazetteer, other])
    verdict = checker.check(report(-7.31, 112.73, "kel. ketintang", city="Surabaya"))
    assert verdict.verdict == Verdict.MATCH and verdict.gazetteer == "Surabaya"
    assert checker.check(report(*centre(1, 0), "Kalibata")).gazetteer == "fixture"


# ------------------------------------------------------------------ verdicts


@pytest.mark.parametrize(
    ("where", "claim"),
    [
        ((1, 0), "KALIBATA"),
        ((1, 0), "kalibata"),
        ((1, 0), "Kel. Kalibata"),
        ((1, 0), "Kelurahan Kali Bata"),
        ((1, 0), "Kalibata, Pancoran"),
        ((0, 0), "Rawajati"),
        ((0, 0), "kel rawa-jati"),
        ((0, 1), "Halim Perdana Kusumah"),
        ((0, 1), "HALIM"),
    ],
)
def test_match_with_spelling_variants_and_aliases(checker, where, claim):
    verdict = checker.check(report(*centre(*where), claim))
    assert verdict.verdict == Verdict.MATCH and verdict.matches_claim and not verdict.flagged
    assert verdict.claim_distance_m == 0.0 and verdict.suggested is None
    assert verdict.boundary_distance_m == pytest.approx(D / 2 * 110_570, rel=0.02)


def test_mismatch_with_suggestion(checker):
    verdict = checker.check(report(*centre(1, 0), "Menteng", kecamatan="Pancoran", city="Jaksel"))
    assert verdict.verdict == Verdict.MISMATCH and verdict.flagged and verdict.matches_claim is False
    assert verdict.located == KALIBATA and verdict.suggested == KALIBATA
    assert verdict.claimed == Place("MENTENG", "MENTENG", "JAKARTA PUSAT")
    assert verdict.claim_distance_m > 500
    assert verdict.kecamatan_matches is True and verdict.kota_matches is True
    other = checker.check(report(*centre(1, 0), "Menteng", kecamatan="Makassar", city="Kota Jakarta Timur"))
    assert other.kecamatan_matches is False and other.kota_matches is False


def test_ambiguous_within_the_margin_of_the_claimed_neighbour(gazetteer, checker):
    lon = BORDER_LON + 20 / metres_per_degree_lon(ROW0_LAT)  # 20 m east of RAWA JATI, inside KALIBATA
    verdict = checker.check(report(ROW0_LAT, lon, "Rawa Jati"))
    assert verdict.verdict == Verdict.AMBIGUOUS and verdict.flagged
    assert verdict.located == KALIBATA and verdict.suggested == KALIBATA and verdict.claimed == RAWA_JATI
    # UTM 48S vs the ellipsoid: scale factor ~1.0001 at 106.8 E, i.e. 2 mm over 20 m.
    assert verdict.boundary_distance_m == pytest.approx(20.0, abs=0.05)
    assert verdict.claim_distance_m == pytest.approx(20.0, abs=0.05)
    assert LocationChecker(gazetteer, margin_m=10).check(report(ROW0_LAT, lon, "Rawa Jati")).verdict == Verdict.MISMATCH
    far = BORDER_LON + 80 / metres_per_degree_lon(ROW0_LAT)
    assert checker.check(report(ROW0_LAT, far, "Rawa Jati")).verdict == Verdict.MISMATCH
    # the true kelurahan near its border is still a plain match
    assert checker.check(report(ROW0_LAT, lon, "Kalibata")).verdict == Verdict.MATCH


def test_pseudo_unit_neighbours_are_ambiguous(layers):
    kelurahan, kecamatan = layers
    gazetteer = Gazetteer.from_geojson(
        kelurahan, kecamatan, aliases={**ALIASES, "pseudo_units": ["HALIM PERDANA KUSUMA"]}
    )
    checker = LocationChecker(gazetteer)
    assert checker.check(report(*centre(0, 1), "Rawa Jati")).verdict == Verdict.AMBIGUOUS
    assert checker.check(report(*centre(0, 1), "Menteng")).verdict == Verdict.MISMATCH


def test_outside(checker):
    south_of_kalibata = LAT0 - 0.005  # ~550 m south of the grid
    verdict = checker.check(report(south_of_kalibata, LON0 + 1.5 * D, "Kalibata"))
    assert verdict.verdict == Verdict.OUTSIDE and verdict.flagged and verdict.located is None
    assert verdict.claim_distance_m == pytest.approx(0.005 * 110_570, rel=0.01) and verdict.suggested is None
    just_outside = checker.check(report(LAT0 - 20 / 110_570, LON0 + 1.5 * D, "Kalibata"))
    assert just_outside.verdict == Verdict.AMBIGUOUS and just_outside.located is None


def test_unknown_where_no_gazetteer_covers_point_or_claim(checker):
    surabaya = checker.check(report(-7.29, 112.73, "Ketintang", city="Surabaya"))
    assert surabaya.verdict == Verdict.UNKNOWN and not surabaya.flagged and surabaya.gazetteer is None
    # a Jakarta name claimed for another city is not resolved against the Jakarta gazetteer
    assert checker.check(report(-7.29, 112.73, "Menteng", city="Bogor")).verdict == Verdict.UNKNOWN


def test_no_point(checker):
    verdict = checker.check(report(kelurahan="Kalibata"))
    assert verdict.verdict == Verdict.NO_POINT and verdict.claimed == KALIBATA and verdict.located is None


def test_unknown_claim_suggests_the_located_kelurahan(checker):
    for claim in ("Ketintang", None):
        verdict = checker.check(report(*centre(1, 0), claim))
        assert verdict.verdict == Verdict.UNKNOWN_CLAIM and verdict.suggested == KALIBATA
        assert verdict.claimed is None and not verdict.flagged


def test_text_mentions(gazetteer, checker):
    text = (
        "Banjir di Kebon Baru, air dari arah kec. Menteng. Jl. Kalibata macet, "
        "kalibatanya aman, halim sepi, kel. halim aman"
    )
    assert gazetteer.find_mentions(text) == (
        TextMention("kelurahan", "KEBON BARU"),
        TextMention("kecamatan", "MENTENG"),
        TextMention("kelurahan", "MENTENG"),
        TextMention("kelurahan", "HALIM PERDANA KUSUMA"),
    )
    lat, lon = centre(1, 1)
    assert checker.check(report(lat, lon, "Kebon Baru", text=text)).text_mismatch is False
    assert checker.check(report(lat, lon, "Rawa Jati", text=text)).text_mismatch is True
    # the claimed kelurahan's kecamatan counts as consistent
    assert checker.check(report(lat, lon, "Kalibata", text="banjir di kecamatan pancoran")).text_mismatch is False
    assert checker.check(report(lat, lon, "Kebon Baru", text="banjir setinggi lutut")).text_mismatch is None
    assert checker.check(report(lat, lon, None, text=text)).text_mismatch is None


def test_verdicts_are_frozen(checker):
    verdict = checker.check(report(*centre(1, 0), "Kalibata"))
    with pytest.raises(AttributeError):
        verdict.verdict = Verdict.MISMATCH


# ------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def real_settings() -> Settings:
    from training.geo import geo_available

    settings = Settings()
    if not (settings.data_dir / "geo").is_dir() or not geo_available(settings):
        pytest.skip(f"boundary files not found under data_dir={settings.data_dir}/geo (set TRIASE_DATA_DIR)")
    return settings


@pytest.mark.real_data
def test_real_gazetteer(real_settings):
    from training.datasets.manifest import load_manifest
    from training.geo import load_gazetteer

    gazetteer = load_gazetteer(real_settings)
    # The CogniCity village file holds 262 polygons: mainland DKI only (no Kepulauan Seribu),
    # including the pseudo-unit TMII.
    assert len(gazetteer) == 262
    assert len(gazetteer.kecamatan) == 42 and len(gazetteer.kota) == 5
    assert set(gazetteer.repaired) == {"SRENGSENG SAWAH", "SUNGAI BAMBU"}
    assert all(shapely.is_valid(gazetteer.geometry(p)) for p in gazetteer.places)
    assert gazetteer.version == load_manifest("geo_dki_jakarta", real_settings.assets_dir).manifest_hash
    assert gazetteer.resolve_kelurahan("Rawajati") == (Place("RAWA JATI", "PANCORAN", "JAKARTA SELATAN"),)
    assert gazetteer.resolve_kelurahan("Krendang")[0].kelurahan == "KREDANG"
    assert all(p.kecamatan and p.kota for p in gazetteer.places)


@pytest.mark.real_data
def test_real_evaluation_meets_targets(real_settings):
    from training.datasets import available_datasets
    from training.evaluate_location import evaluate_location

    if "petabencana_jakarta_flood_reports_2017" not in available_datasets(real_settings):
        pytest.skip("the PetaBencana export is absent under TRIASE_DATA_DIR")
    result = evaluate_location(real_settings)
    assert result["n_inside"] > 1_000
    assert result["assignment_accuracy"] == 1.0 and result["vectorised_agrees_with_single"]
    assert result["mismatch_recall"] >= 0.99
    assert result["false_alarm_rate"] <= 0.01
