"""Location: the gazetteer of kelurahan boundaries and names (:mod:`~models.location.gazetteer`, with
:mod:`~models.location.names` for name keys), and the check of a report's geotag against the kelurahan it
claims (:mod:`~models.location.checker`)."""

# Bundles registered before this package was split pickled the gazetteer under these names.
from models.location.gazetteer import Aliases, Gazetteer, Place, _restore_gazetteer

__all__ = ["Aliases", "Gazetteer", "Place", "_restore_gazetteer"]
