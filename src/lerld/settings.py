"""Settings: one frozen value built from command-line flags and environment variables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

INFERENCE_MODES = ("none", "rdfs", "owlrl")


@dataclass(frozen=True)
class Settings:
    """Where the sources are and how to validate them."""

    root: Path = Path(".")
    inference: str = "none"

    def __post_init__(self) -> None:
        if self.inference not in INFERENCE_MODES:
            raise ValueError(f"inference must be one of {', '.join(INFERENCE_MODES)}")

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"
