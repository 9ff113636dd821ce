"""The gazetteer from the real boundary files under ``data_dir``, checked against its manifest.

The boundary files are never copied into the project: they are read from
``<data_dir>/geo/`` and verified against ``<assets_dir>/manifests/geo_dki_jakarta.json``
(sha256 of every file) before use. The alias table is the project's own asset
``<assets_dir>/geo/aliases.json``. Another city brings its own :class:`GazetteerSource`.
"""

from dataclasses import dataclass
from pathlib import Path

from models.location.gazetteer import BoundaryLayer, Gazetteer
from models.settings import Settings, get_settings
from training.datasets import DatasetUnavailableError
from training.datasets.manifest import load_manifest

__all__ = ["DKI_JAKARTA", "GazetteerSource", "geo_available", "load_gazetteer"]


@dataclass(frozen=True, slots=True)
class GazetteerSource:
    """Where a gazetteer's files are: layers relative to ``data_dir``, the alias table relative
    to ``assets_dir``, and the manifest ``<assets_dir>/manifests/<manifest>.json`` listing them."""

    name: str
    manifest: str
    kelurahan: BoundaryLayer
    kecamatan: BoundaryLayer | None = None
    kota: BoundaryLayer | None = None
    aliases: str | None = None


DKI_JAKARTA = GazetteerSource(
    name="DKI Jakarta",
    manifest="geo_dki_jakarta",
    kelurahan=BoundaryLayer(Path("geo/dki_jakarta_village_boundary_cognicity.geojson"), "area_name", "parent_name"),
    kecamatan=BoundaryLayer(Path("geo/dki_jakarta_subdistrict_boundary_cognicity.geojson"), "area_name", "parent_name"),
    kota=BoundaryLayer(Path("geo/dki_jakarta_city_boundary_cognicity.geojson"), "area_name", None),
    aliases="geo/aliases.json",
)


def _layers(source: GazetteerSource) -> list[BoundaryLayer]:
    return [layer for layer in (source.kelurahan, source.kecamatan, source.kota) if layer is not None]


def geo_available(settings: Settings | None = None, source: GazetteerSource = DKI_JAKARTA) -> bool:
    """True when the manifest and every file it lists exist (existence only, no hashing)."""
    settings = settings or get_settings()
    try:
        manifest = load_manifest(source.manifest, settings.assets_dir)
    except FileNotFoundError:
        return False
    return not manifest.missing_files(settings.data_dir)


def load_gazetteer(settings: Settings | None = None, source: GazetteerSource = DKI_JAKARTA) -> Gazetteer:
    """Verify the boundary files against their manifest and build the gazetteer.

    Raises :class:`~training.datasets.DatasetUnavailableError` when files are missing and
    :class:`~training.datasets.DatasetIntegrityError` when their bytes differ from the manifest.
    The gazetteer's ``version`` is the manifest hash.
    """
    settings = settings or get_settings()
    data_dir, assets_dir = Path(settings.data_dir), Path(settings.assets_dir)
    manifest = load_manifest(source.manifest, assets_dir)
    listed = {f.path for f in manifest.files}
    unlisted = [str(layer.path) for layer in _layers(source) if layer.path.as_posix() not in listed]
    if unlisted:
        raise ValueError(f"boundary files {unlisted} are not listed in manifest {source.manifest!r}")
    missing = manifest.missing_files(data_dir)
    if missing:
        raise DatasetUnavailableError(
            f"boundaries {source.name!r} are not available: {len(missing)} file(s) missing under data_dir "
            f"{data_dir} (TRIASE_DATA_DIR), first: {missing[0]}. Fetch them from {manifest.repository} at "
            f"commit {manifest.commit} (see {assets_dir / 'manifests' / f'{source.manifest}.json'})."
        )
    version = manifest.verify(data_dir)

    def resolve(layer: BoundaryLayer | None) -> BoundaryLayer | None:
        if layer is None:
            return None
        return BoundaryLayer(data_dir / layer.path, layer.name_field, layer.parent_field)

    return Gazetteer.from_geojson(
        resolve(source.kelurahan),
        resolve(source.kecamatan),
        resolve(source.kota),
        aliases=assets_dir / source.aliases if source.aliases else None,
        name=source.name,
        version=version,
    )
