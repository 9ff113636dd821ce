"""Holds the model the service answers with."""

import logging
import threading

from training import registry
from training.registry import RegisteredModel
from training.settings import Settings

log = logging.getLogger(__name__)


class ModelStore:
    """The champion model currently served, swapped atomically when a new one is loaded."""

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
                loaded = registry.load_champion(client, self._settings.model_name)
            except (registry.RegistryError, registry.ArtifactIntegrityError) as exc:
                self.last_error = str(exc)
                log.error("champion not loaded: %s", exc)
                return self._current
            self._current, self.last_error = loaded, None
            return loaded
