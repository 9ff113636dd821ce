"""Errors of loading a dataset; each is a :class:`~models.errors.TriaseError` whose message names the file,
row or column and the fix."""

from models.errors import TriaseError

__all__ = [
    "DatasetError",
    "DatasetIntegrityError",
    "DatasetUnavailableError",
    "MappingError",
    "UnknownDatasetError",
]


class DatasetError(TriaseError):
    """A dataset cannot be loaded as its mapping describes it."""


class MappingError(DatasetError, ValueError):
    """The mapping does not fit the file (e.g. a mapped column is absent)."""


class DatasetUnavailableError(DatasetError, FileNotFoundError):
    """The files of a dataset are not where the settings or the mapping say they should be."""


class DatasetIntegrityError(DatasetError):
    """A dataset file is missing or its bytes or row count differ from the manifest."""


class UnknownDatasetError(DatasetError, KeyError):
    """A dataset name that is neither registered nor the path of a mapping or dataset folder."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
