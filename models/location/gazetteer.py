"""The gazetteer: kelurahan polygons with their kecamatan and kota, an alias-aware name index, and
point-in-polygon lookup and distances in metres.

Pure code: boundary files and the alias table are passed in as paths or objects (``training/geo.py`` wires
them to the data dir for DKI Jakarta). :class:`Gazetteer` holds the polygons in a ``shapely.STRtree`` of
prepared polygons and measures in a metric projection (by default the UTM zone of the gazetteer's centre:
EPSG:32748, UTM 48S, for Jakarta; its scale error over the city is below 0.01 %). Build one from any GeoJSON
with a name property and, optionally, a parent-name property (:meth:`Gazetteer.from_geojson`), so another
city brings its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from models.location.names import TEXT_ABBREVIATIONS, Level, name_key, name_tokens

_MENTION_MARKERS = frozenset({"kelurahan", "kel", "desa", "kecamatan", "kec"})
"""A weak mention ('baru', 'gunung') counts only right after one of these words."""
_STREET_MARKERS = frozenset({"jl", "jln", "jalan", "gg", "gang", "raya", "tol"})
"""A name right after one of these is a street ('Jl. Pasar Minggu'), not a place mention."""


@dataclass(frozen=True, slots=True)
class Place:
    """A kelurahan with its kecamatan and kota, canonical names as in the boundary file."""

    kelurahan: str
    kecamatan: str | None = None
    kota: str | None = None


@dataclass(frozen=True, slots=True)
class TextMention:
    """A gazetteer name found in a report's text (canonical name, not the text's spelling)."""

    level: Literal["kelurahan", "kecamatan"]
    name: str


@dataclass(frozen=True, slots=True)
class BoundaryLayer:
    """A GeoJSON FeatureCollection of named polygons (EPSG:4326 / CRS84 lon-lat)."""

    path: Path
    name_field: str = "area_name"
    parent_field: str | None = "parent_name"


@dataclass(frozen=True)
class Aliases:
    """Name variants per level (variant -> canonical name), names of the whole region
    ('DKI Jakarta'), pseudo-units that are no real kelurahan (TMII), and names that are also
    common words and count as a text mention only after 'kel.'/'kec.' (weak mentions)."""

    kelurahan: Mapping[str, str] = field(default_factory=dict)
    kecamatan: Mapping[str, str] = field(default_factory=dict)
    kota: Mapping[str, str] = field(default_factory=dict)
    region: tuple[str, ...] = ()
    pseudo_units: tuple[str, ...] = ()
    weak_mentions: tuple[str, ...] = ()

    _KEYS = ("kelurahan", "kecamatan", "kota", "region", "pseudo_units", "weak_mentions")

    @classmethod
    def from_dict(cls, data: Mapping) -> Aliases:
        unknown = set(data) - set(cls._KEYS) - {"description"}
        if unknown:
            raise ValueError(f"unknown alias table keys {sorted(unknown)}; known: {list(cls._KEYS)}")
        return cls(
            kelurahan=dict(data.get("kelurahan", {})),
            kecamatan=dict(data.get("kecamatan", {})),
            kota=dict(data.get("kota", {})),
            region=tuple(data.get("region", ())),
            pseudo_units=tuple(data.get("pseudo_units", ())),
            weak_mentions=tuple(data.get("weak_mentions", ())),
        )

    @classmethod
    def from_json(cls, path: Path | str) -> Aliases:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def utm_crs_for(lon: float, lat: float) -> str:
    """The WGS84 UTM zone of a point, e.g. ``EPSG:32748`` (48S) for Jakarta."""
    zone = min(60, int((lon + 180) // 6) + 1)
    return f"EPSG:{(32700 if lat < 0 else 32600) + zone}"


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygon parts of a geometry (make_valid may add stray lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [p for part in parts for p in shapely.get_parts(part)]
    return shapely.MultiPolygon(polygons) if polygons else shapely.Polygon()


# --------------------------------------------------------------------------------------------
# Gazetteer
# --------------------------------------------------------------------------------------------


class Gazetteer:
    """Kelurahan polygons, their hierarchy and an alias-aware name index.

    ``areas`` are (place, polygon in EPSG:4326 lon/lat) pairs; invalid polygons are repaired
    with ``shapely.make_valid`` and listed in :attr:`repaired`. ``kecamatan`` maps every
    kecamatan name to its kota (kecamatan without kelurahan polygons are allowed). Alias
    targets must exist in the gazetteer (a typo in the alias table raises ``ValueError``).
    """

    def __init__(
        self,
        areas: Iterable[tuple[Place, BaseGeometry]],
        *,
        kecamatan: Mapping[str, str | None] | None = None,
        kota: Iterable[str] = (),
        aliases: Aliases | None = None,
        name: str = "",
        metric_crs: str | None = None,
        neighbour_tolerance_m: float = 1.0,
        defects: Iterable[str] = (),
        version: str | None = None,
    ):
        areas = list(areas)
        if not areas:
            raise ValueError("a gazetteer needs at least one area")
        self.name = name
        self.version = version
        """Opaque tag of the boundary data, e.g. its manifest hash (logged with evaluations)."""
        self.aliases = aliases or Aliases()
        self.neighbour_tolerance_m = neighbour_tolerance_m
        places, geoms, repaired = [], [], []
        for place, geom in areas:
            if not geom.is_valid:
                geom = _polygonal(shapely.make_valid(geom))
                repaired.append(place.kelurahan)
            if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
                raise ValueError(f"area {place.kelurahan!r} has no polygon ({geom.geom_type})")
            places.append(place)
            geoms.append(geom)
        self.places: tuple[Place, ...] = tuple(places)
        self.repaired: tuple[str, ...] = tuple(repaired)
        self.defects: tuple[str, ...] = tuple(defects)
        self._index_of = {p: i for i, p in enumerate(self.places)}
        if len(self._index_of) != len(self.places):
            raise ValueError("duplicate areas (same kelurahan, kecamatan and kota)")

        self._geoms = np.asarray(geoms, dtype=object)
        shapely.prepare(self._geoms)
        self._tree = shapely.STRtree(self._geoms)
        self.bounds: tuple[float, float, float, float] = tuple(shapely.total_bounds(self._geoms).tolist())

        west, south, east, north = self.bounds
        self.metric_crs = metric_crs or utm_crs_for((west + east) / 2, (south + north) / 2)
        if not CRS.from_user_input(self.metric_crs).is_projected:
            raise ValueError(f"metric_crs {self.metric_crs} is not a projected (metric) CRS")
        self._to_metric = Transformer.from_crs("EPSG:4326", self.metric_crs, always_xy=True)
        self._geoms_m = shapely.transform(self._geoms, self._project_array)
        self._boundaries_m = shapely.boundary(self._geoms_m)
        self._neighbours: tuple[tuple[int, ...], ...] | None = None

        kecamatan = dict(kecamatan or {})
        for place in self.places:
            if place.kecamatan is not None:
                kecamatan.setdefault(place.kecamatan, place.kota)
        self.kecamatan: Mapping[str, str | None] = MappingProxyType(kecamatan)
        self.kota: tuple[str, ...] = tuple(
            sorted({*kota, *(k for k in kecamatan.values() if k), *(p.kota for p in self.places if p.kota)})
        )
        self._build_name_index()

    def __reduce__(self):
        # The STRtree, the prepared geometries and the projection cannot be pickled; a copy (the model bundle
        # carries one) keeps the polygons as WKB and rebuilds the rest, so it answers exactly as this one.
        state = {
            "areas": list(zip(self.places, shapely.to_wkb(self._geoms))),
            "kecamatan": dict(self.kecamatan),
            "kota": self.kota,
            "aliases": self.aliases,
            "name": self.name,
            "metric_crs": self.metric_crs,
            "neighbour_tolerance_m": self.neighbour_tolerance_m,
            "defects": self.defects,
            "version": self.version,
        }
        return _restore_gazetteer, (state, self.repaired)

    # ---------------------------------------------------------------- construction from files

    @classmethod
    def from_geojson(
        cls,
        kelurahan: BoundaryLayer | Path | str,
        kecamatan: BoundaryLayer | Path | str | None = None,
        kota: BoundaryLayer | Path | str | None = None,
        *,
        aliases: Aliases | Path | str | Mapping | None = None,
        name: str = "",
        metric_crs: str | None = None,
        neighbour_tolerance_m: float = 1.0,
        version: str | None = None,
    ) -> Gazetteer:
        """Build from boundary GeoJSON files: kelurahan polygons (name + kecamatan property),
        optionally kecamatan polygons (name + kota property) and kota polygons (name).

        A kelurahan without a kecamatan property gets the kecamatan polygon that covers most
        of it; that, and a kecamatan property that disagrees with the kecamatan polygons
        (the property is kept), are listed in :attr:`defects`.
        """
        kel_layer, kec_layer, kota_layer = (_layer(x) for x in (kelurahan, kecamatan, kota))
        kel_features = _read_layer(kel_layer)
        kec_features = _read_layer(kec_layer) if kec_layer else []
        kota_features = _read_layer(kota_layer) if kota_layer else []
        defects: list[str] = []

        kec_parent: dict[str, str | None] = {}
        for feature_name, parent, _ in kec_features:
            kec_parent[feature_name] = parent
        kec_geoms = [shapely.make_valid(g) if not g.is_valid else g for _, _, g in kec_features]
        kec_tree = shapely.STRtree(kec_geoms) if kec_geoms else None

        def covering_kecamatan(geom: BaseGeometry) -> tuple[str | None, float]:
            if kec_tree is None:
                return None, 0.0
            geom = geom if geom.is_valid else shapely.make_valid(geom)
            best, share = None, 0.0
            for j in kec_tree.query(geom, predicate="intersects"):
                overlap = geom.intersection(kec_geoms[j]).area / geom.area
                if overlap > share:
                    best, share = kec_features[j][0], overlap
            return best, share

        areas = []
        for feature_name, parent, geom in kel_features:
            spatial, share = covering_kecamatan(geom)
            if parent is None and spatial is not None:
                defects.append(
                    f"kelurahan {feature_name!r} has no {kel_layer.parent_field!r}; "
                    f"set to {spatial!r}, the kecamatan polygon covering {share:.0%} of it"
                )
                parent = spatial
            elif parent is not None and spatial is not None and parent != spatial and parent in kec_parent:
                defects.append(
                    f"kelurahan {feature_name!r} says kecamatan {parent!r} but lies {share:.0%} in the "
                    f"kecamatan polygon {spatial!r}; kept {parent!r}"
                )
            areas.append((Place(feature_name, parent, kec_parent.get(parent) if parent else None), geom))

        return cls(
            areas,
            kecamatan=kec_parent,
            kota=[n for n, _, _ in kota_features],
            aliases=_aliases(aliases),
            name=name or kel_layer.path.stem,
            metric_crs=metric_crs,
            neighbour_tolerance_m=neighbour_tolerance_m,
            defects=defects,
            version=version,
        )

    # ---------------------------------------------------------------- names

    def _build_name_index(self) -> None:
        kel: dict[str, set[int]] = {}
        for i, place in enumerate(self.places):
            kel.setdefault(name_key(place.kelurahan, "kelurahan"), set()).add(i)
        kec = {name_key(n, "kecamatan"): n for n in self.kecamatan}
        kota = {name_key(n, "kota"): n for n in self.kota}

        def add_aliases(level: Level, table: Mapping[str, str], index: dict) -> None:
            missing = []
            for variant, canonical in table.items():
                target = index.get(name_key(canonical, level))
                if target is None:
                    missing.append(canonical)
                else:
                    index.setdefault(name_key(variant, level), target)
            if missing:
                raise ValueError(f"{self.name}: {level} aliases point to unknown names {sorted(missing)}")

        add_aliases("kelurahan", self.aliases.kelurahan, kel)
        add_aliases("kecamatan", self.aliases.kecamatan, kec)
        add_aliases("kota", self.aliases.kota, kota)
        self._kel_index = {k: tuple(sorted(v)) for k, v in kel.items()}
        self._kec_index = kec
        self._kota_index = kota
        self._region_keys = frozenset(name_key(r, "region") for r in self.aliases.region)

        pseudo = set()
        for unit in self.aliases.pseudo_units:
            found = self._kel_index.get(name_key(unit, "kelurahan"))
            if not found:
                raise ValueError(f"{self.name}: pseudo-unit {unit!r} is not a kelurahan of the gazetteer")
            pseudo.update(found)
        self._pseudo = frozenset(pseudo)

        # Text mentions: surface (canonical name or alias) as text tokens without spaces -> mentions.
        surfaces: list[tuple[str, TextMention]] = []
        for place in self.places:
            surfaces.append((place.kelurahan, TextMention("kelurahan", place.kelurahan)))
        for variant, canonical in self.aliases.kelurahan.items():
            for i in self._kel_index[name_key(canonical, "kelurahan")]:
                surfaces.append((variant, TextMention("kelurahan", self.places[i].kelurahan)))
        for canonical in self.kecamatan:
            surfaces.append((canonical, TextMention("kecamatan", canonical)))
        for variant, canonical in self.aliases.kecamatan.items():
            surfaces.append((variant, TextMention("kecamatan", self._kec_index[name_key(canonical, "kecamatan")])))
        mentions: dict[str, set[TextMention]] = {}
        lengths = [1]
        for surface, mention in surfaces:
            tokens = name_tokens(surface, TEXT_ABBREVIATIONS)
            if tokens:
                mentions.setdefault("".join(tokens), set()).add(mention)
                lengths.append(len(tokens))
        self._mentions = {k: tuple(sorted(v, key=lambda m: (m.level, m.name))) for k, v in mentions.items()}
        self._max_mention_tokens = max(lengths) + 1  # a name may be split once more in text
        weak = {"".join(name_tokens(w, TEXT_ABBREVIATIONS)) for w in self.aliases.weak_mentions}
        unknown_weak = weak - set(self._mentions)
        if unknown_weak:
            raise ValueError(f"{self.name}: weak mentions that are no gazetteer name: {sorted(unknown_weak)}")
        self._weak = frozenset(weak)

    def resolve_kelurahan(self, name: str | None, kecamatan: str | None = None) -> tuple[Place, ...]:
        """Places whose kelurahan is ``name`` (normalised, alias-aware); several when the name
        repeats in different kecamatan, narrowed by ``kecamatan`` when that helps."""
        return tuple(self.places[i] for i in self._resolve_kelurahan(name, kecamatan))

    def _resolve_kelurahan(self, name: str | None, kecamatan: str | None = None) -> tuple[int, ...]:
        if not name:
            return ()
        found: tuple[int, ...] = ()
        for candidate in _claim_candidates(name):
            found = self._kel_index.get(name_key(candidate, "kelurahan"), ())
            if found:
                break
        if len(found) > 1 and kecamatan:
            kec = self.resolve_kecamatan(kecamatan)
            narrowed = tuple(i for i in found if self.places[i].kecamatan == kec)
            found = narrowed or found
        return found

    def resolve_kecamatan(self, name: str | None) -> str | None:
        if not name:
            return None
        for candidate in _claim_candidates(name):
            found = self._kec_index.get(name_key(candidate, "kecamatan"))
            if found:
                return found
        return None

    def resolve_kota(self, name: str | None) -> str | None:
        return self._kota_index.get(name_key(name, "kota")) if name else None

    def covers_city(self, city: str | None) -> bool:
        """True when ``city`` is empty, one of the gazetteer's kota, or the region itself."""
        if not city:
            return True
        return self.resolve_kota(city) is not None or name_key(city, "region") in self._region_keys

    def find_mentions(self, text: str | None) -> tuple[TextMention, ...]:
        """Kelurahan and kecamatan names in ``text`` as whole words, longest first, in order of
        appearance. Names after a street word ('Jl. Pasar Minggu') are skipped; weak names
        (common words such as 'baru') count only after 'kel.', 'kelurahan', 'kec.' ..."""
        if not text:
            return ()
        tokens = name_tokens(text, TEXT_ABBREVIATIONS)
        found: dict[TextMention, None] = {}
        i, n = 0, len(tokens)
        while i < n:
            for width in range(min(self._max_mention_tokens, n - i), 0, -1):
                key = "".join(tokens[i : i + width])
                hits = self._mentions.get(key)
                if hits is None:
                    continue
                previous = tokens[i - 1] if i else ""
                if previous in _STREET_MARKERS or (key in self._weak and previous not in _MENTION_MARKERS):
                    pass
                else:
                    found.update(dict.fromkeys(hits))
                i += width
                break
            else:
                i += 1
        return tuple(found)

    # ---------------------------------------------------------------- geometry

    def _project_array(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._to_metric.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def project(self, lat: float, lon: float) -> shapely.Point:
        """The point in :attr:`metric_crs` (metres)."""
        return shapely.Point(self._to_metric.transform(lon, lat))

    def locate_index(self, lat: float, lon: float) -> int:
        """Index into :attr:`places` of the polygon holding the point (boundary included), or -1.
        A point on a shared boundary goes to the lower index."""
        candidates = self._tree.query(shapely.Point(lon, lat))
        if len(candidates) == 0:
            return -1
        if len(candidates) > 1:
            candidates = np.sort(candidates)
        inside = shapely.intersects_xy(self._geoms[candidates], lon, lat)
        hits = candidates[inside]
        return int(hits[0]) if len(hits) else -1

    def locate(self, lat: float, lon: float) -> Place | None:
        i = self.locate_index(lat, lon)
        return self.places[i] if i >= 0 else None

    def locate_many(self, lat: Sequence[float] | np.ndarray, lon: Sequence[float] | np.ndarray) -> np.ndarray:
        """Vectorised :meth:`locate_index`: one index (or -1) per point."""
        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        none = len(self.places)
        result = np.full(len(points), none, dtype=np.int64)
        pairs = self._tree.query(points, predicate="intersects")
        np.minimum.at(result, pairs[0], pairs[1])  # several hits: the lowest index, as locate_index
        result[result == none] = -1
        return result

    def index(self, place: Place) -> int:
        return self._index_of[place]

    def geometry(self, place: Place) -> BaseGeometry:
        """The (repaired) polygon of ``place`` in EPSG:4326."""
        return self._geoms[self._index_of[place]]

    def boundary_distance_m(self, i: int, point_m: shapely.Point) -> float:
        return float(shapely.distance(self._boundaries_m[i], point_m))

    def distance_m(self, i: int, point_m: shapely.Point) -> float:
        """Metres from a projected point to area ``i`` (0 inside)."""
        return float(shapely.distance(self._geoms_m[i], point_m))

    def neighbour_indexes(self, i: int) -> tuple[int, ...]:
        if self._neighbours is None:
            pairs = self._tree_m().query(self._geoms_m, predicate="dwithin", distance=self.neighbour_tolerance_m)
            neighbours: list[set[int]] = [set() for _ in self.places]
            for a, b in zip(*pairs.tolist(), strict=True):
                if a != b:
                    neighbours[a].add(b)
                    neighbours[b].add(a)
            self._neighbours = tuple(tuple(sorted(s)) for s in neighbours)
        return self._neighbours[i]

    def neighbours(self, place: Place) -> tuple[Place, ...]:
        """Kelurahan that touch ``place`` (within ``neighbour_tolerance_m``, to bridge slivers)."""
        return tuple(self.places[j] for j in self.neighbour_indexes(self._index_of[place]))

    def _tree_m(self) -> shapely.STRtree:
        return shapely.STRtree(self._geoms_m)

    def is_pseudo(self, i: int) -> bool:
        return i in self._pseudo

    def __len__(self) -> int:
        return len(self.places)

    def __repr__(self) -> str:
        sizes = f"{len(self)} kelurahan, {len(self.kecamatan)} kecamatan, {len(self.kota)} kota"
        return f"<Gazetteer {self.name!r}: {sizes}>"


def _restore_gazetteer(state: dict, repaired: tuple[str, ...]) -> Gazetteer:
    areas = [(place, shapely.from_wkb(wkb)) for place, wkb in state.pop("areas")]
    gazetteer = Gazetteer(areas, **state)
    gazetteer.repaired = repaired  # repaired when first built; the stored polygons are the valid ones
    return gazetteer


def _claim_candidates(name: str) -> list[str]:
    """The claim itself, then its part before a comma or a 'kec.' ('Kalibata, Pancoran')."""
    candidates = [name]
    head = name.split(",")[0]
    if head.strip() and head != name:
        candidates.append(head)
    match = re.search(r"\b(kec|kecamatan)\b", name, flags=re.IGNORECASE)
    if match and name[: match.start()].strip():
        candidates.append(name[: match.start()])
    return candidates


def _layer(value: BoundaryLayer | Path | str | None) -> BoundaryLayer | None:
    if value is None or isinstance(value, BoundaryLayer):
        return value
    return BoundaryLayer(Path(value))


def _aliases(value: Aliases | Path | str | Mapping | None) -> Aliases | None:
    if value is None or isinstance(value, Aliases):
        return value
    if isinstance(value, Mapping):
        return Aliases.from_dict(value)
    return Aliases.from_json(value)


def _read_layer(layer: BoundaryLayer) -> list[tuple[str, str | None, BaseGeometry]]:
    """(name, parent name, geometry) of every feature; names stripped, empty parents None."""
    data = json.loads(Path(layer.path).read_text(encoding="utf-8"))
    crs = (data.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and not any(tag in crs for tag in ("CRS84", "4326")):
        raise ValueError(f"{layer.path}: CRS {crs!r} is not lon/lat WGS84; reproject to EPSG:4326 first")
    features = []
    for number, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") or {}
        name = props.get(layer.name_field)
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{layer.path}: feature {number} has no {layer.name_field!r}")
        parent = props.get(layer.parent_field) if layer.parent_field else None
        parent = parent.strip() if isinstance(parent, str) and parent.strip() else None
        if feature.get("geometry") is None:
            raise ValueError(f"{layer.path}: feature {number} ({name.strip()!r}) has no geometry")
        features.append((name.strip(), parent, shape(feature["geometry"])))
    if not features:
        raise ValueError(f"{layer.path}: no features")
    return features
