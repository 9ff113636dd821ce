"""Holds the model the service answers with, and swaps in a newly promoted champion without a restart."""

import logging
import threading

from models import registry
from models.category import EmbedderMismatchError
from models.registry import RegisteredModel
from models.settings import Settings

log = logging.getLogger(__name__)


class ModelStore:
    """The champion model currently served, swapped atomically when a new one is loaded.

    Requests take a reference to `current` once, so a swap never changes the model under a request
    in flight; the old model is freed when the last such request ends.
    """

    def __init__(self, settings: Settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._current: RegisteredModel | None = None
        self.last_error: str | None = None

    @property
    def current(self) -> RegisteredModel | None:
        return self._current

    def load_champion(self) -> RegisteredModel | None:
        """Load the registry's champion; keep serving the previous model if that fails."""
        with self._lock:
            try:
                client = registry.configure(self._settings)
                loaded = registry.load_champion(client, self._settings.model_name, self._settings.embedder_dir)
                loaded.model.warm_up()  # loads the sentence embedder now, not under the first report
            except (registry.RegistryError, registry.ArtifactIntegrityError, EmbedderMismatchError) as exc:
                self.last_error = str(exc)
                log.error("champion not loaded: %s", exc)
                return self._current
            self._current, self.last_error = loaded, None
            log.info("serving %s", loaded.label)
            return loaded

    def refresh(self) -> bool:
        """Load the champion if the registry points at another version than the one served; True if swapped."""
        try:
            version = registry.champion_version(registry.configure(self._settings), self._settings.model_name)
        except Exception as exc:  # the registry store may be briefly unreachable; the served model stays
            log.warning("could not read the champion alias: %s", type(exc).__name__)
            return False
        current = self._current
        if version is None or (current is not None and current.version == version):
            return False
        before = current.version if current else None
        loaded = self.load_champion()
        return loaded is not None and loaded.version != before
