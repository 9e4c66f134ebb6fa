"""Settings: one frozen value built from command-line flags and environment variables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lerld.terms import DEFAULT_BASE_URI

INFERENCE_MODES = ("none", "rdfs", "owlrl")


@dataclass(frozen=True)
class Settings:
    """Where the sources are, how to validate them, and how to publish them."""

    root: Path = Path(".")
    inference: str = "none"
    base_uri: str = DEFAULT_BASE_URI
    store_path: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2

    def __post_init__(self) -> None:
        if self.inference not in INFERENCE_MODES:
            raise ValueError(f"inference must be one of {', '.join(INFERENCE_MODES)}")
        if not self.base_uri.endswith("/"):
            raise ValueError("the base URI must end with '/'")

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"
