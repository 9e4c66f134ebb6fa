"""Settings: one frozen value built from command-line flags and environment variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lerld.core.terms import DEFAULT_BASE_URI

INFERENCE_MODES = ("none", "rdfs", "owlrl")
# The placeholders an edit-URL template may use: the source file in the project, and the
# first and last lines of the entity's description in it.
EDIT_URL_FIELDS = {"path": "data/example.ttl", "start": 1, "end": 2}


def check_edit_url(template: str) -> str:
    """An edit-URL template is an http(s) URL with a {path} placeholder (and optionally
    {start} and {end}, the lines of the entity's description)."""
    if not template.startswith(("https://", "http://")) or "{path}" not in template:
        raise ValueError("the edit URL must be an http(s) URL with a {path} placeholder")
    try:
        template.format(**EDIT_URL_FIELDS)
    except (KeyError, IndexError, ValueError) as e:
        raise ValueError(
            f"the edit URL has a placeholder other than {{path}}, {{start}}, {{end}}: {e}"
        ) from e
    return template


def check_public_url(url: str) -> str:
    """A public URL is an http(s) URL of a directory: it ends with '/'."""
    if not url.startswith(("https://", "http://")) or not url.endswith("/"):
        raise ValueError(f"the public URL must be an http(s) URL ending with '/', not {url!r}")
    return url


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
    # A remote SPARQL store instead of the embedded one: its query endpoint, and (derived
    # from it when not given) its update and Graph Store Protocol endpoints.
    endpoint: str | None = None
    update_endpoint: str | None = None
    graph_store: str | None = None
    # Credentials for that store (user, password): sent only to an endpoint that asks, in
    # the scheme it asks for; never in a repr, a log or a message.
    store_credentials: tuple[str, str] | None = field(default=None, repr=False)
    # The /sparql endpoint's limits and policy.
    sparql_timeout: float = 10.0
    sparql_max_rows: int = 10_000
    sparql_max_body: int = 1_048_576
    sparql_processes: int = 2
    sparql_cache_mb: int = 64
    sparql_max_memory: int = 1024  # MiB a query process may grow by while evaluating
    allow_service: bool = False
    # Where a page's "suggest an edit" link goes: {path} is the entity's source file in the
    # project (data/organizations.ttl), {start} and {end} its lines. None: no link (the
    # CLI derives one from the checkout's git remote when it is a known forge).
    edit_url: str | None = None
    # The URL this deployment is reached at when it is not the base URI (a mirror, a
    # staging host, an intranet, a local server): JSON-LD names its context under it, so
    # that a JSON-LD processor fetches the context from this server.
    public_url: str | None = None

    def __post_init__(self) -> None:
        if self.inference not in INFERENCE_MODES:
            raise ValueError(f"inference must be one of {', '.join(INFERENCE_MODES)}")
        if not self.base_uri.endswith("/"):
            raise ValueError("the base URI must end with '/'")
        if self.public_url is not None:
            check_public_url(self.public_url)
        if self.edit_url is not None:
            check_edit_url(self.edit_url)
        if self.sparql_timeout <= 0 or min(self.sparql_max_rows, self.sparql_max_body) < 1:
            raise ValueError("SPARQL limits must be positive")
        if self.sparql_max_memory < 16:
            raise ValueError("a query process needs at least 16 MiB to evaluate queries")
        if self.sparql_cache_mb < 0:
            raise ValueError("the SPARQL answer cache cannot be negative")
        if self.sparql_processes < 1:
            raise ValueError("the SPARQL endpoint needs at least one query process")

    @property
    def served_base(self) -> str:
        """Where this deployment's documents are fetched from: the public URL, else the
        base URI (a deployment at its canonical base)."""
        return self.public_url or self.base_uri

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"
