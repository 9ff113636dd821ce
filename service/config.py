"""Service settings: the shared training settings plus what only the HTTP service needs."""

from functools import lru_cache

from pydantic import Field

from training.settings import Settings


class ServiceSettings(Settings):
    host: str = Field(default="127.0.0.1", description="Interface `triase serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `triase serve` listens on.")
    max_batch_size: int = Field(default=256, ge=1, le=10_000, description="Most reports in one batch request.")
    top_k: int = Field(default=3, ge=1, le=20, description="Category candidates returned per report.")
    location_margin_m: float = Field(
        default=50.0, ge=0, description="Points this close to a kelurahan boundary are 'ambiguous', not 'mismatch'."
    )


@lru_cache
def get_service_settings() -> ServiceSettings:
    return ServiceSettings()
