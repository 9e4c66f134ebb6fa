"""Settings: one frozen value built from command-line flags and environment variables.

Each field declares, in its metadata, what the command line and the docs say about it: its
flag, its help text (with `{default}` for its default, `{publisher}` for what publishes: this
server, the site), its choices, the check its value passes, and the environment variables it
is read from. The CLI builds its options from these declarations, so a default or a help text
is written once."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

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


# The environment variables that hold the credentials of a remote store: never a flag, which
# every user of the machine reads in the process list.
STORE_USER_VARIABLE = "LERLD_STORE_USER"
STORE_PASSWORD_VARIABLE = "LERLD_STORE_PASSWORD"


def option(
    help: str,
    *,
    flag: str | None = None,
    choices: tuple[str, ...] | None = None,
    check: Callable[[str], str] | None = None,
    type: Callable[[str], Any] | None = None,
    metavar: str | None = None,
    env: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A Settings field's metadata: what the command line and the docs say about it. flag:
    when it is not the field's name as a flag (--field-name); check: what a value given
    must pass (it raises ValueError); type: what the flag's text becomes, when it is not
    of the default's type."""
    return {
        "flag": flag,
        "help": help,
        "choices": choices,
        "check": check,
        "type": type,
        "metavar": metavar,
        "env": env,
    }


@dataclass(frozen=True)
class Settings:
    """Where the sources are, how to validate them, and how to publish them."""

    root: Path = field(
        default=Path("."),
        metadata=option(
            "project directory holding ontology/, shapes/ and data/ (default: {default})"
        ),
    )
    inference: str = field(
        default="none",
        metadata=option(
            "inference before SHACL: none, rdfs, or owlrl (OWL 2 RL)", choices=INFERENCE_MODES
        ),
    )
    base_uri: str = field(
        default=DEFAULT_BASE_URI,
        metadata=option("the IRIs {publisher} answers for (default: {default})"),
    )
    store_path: str | None = field(
        default=None,
        metadata=option("keep the embedded store on disk in this directory (default: in memory)"),
    )
    host: str = field(
        default="127.0.0.1", metadata=option("address to listen on (default: {default})")
    )
    port: int = field(default=8080, metadata=option("port to listen on (default: {default})"))
    workers: int = field(default=2, metadata=option("worker processes (default: {default})"))
    threads: int = field(
        default=2,
        metadata=option(
            "threads per worker process (default: {default}); they take turns: one answers "
            "while answers are look-ups, the others take requests while it waits on slow "
            "work (a SPARQL query up to its time limit); with 1, a slow request holds up "
            "every request its worker has taken"
        ),
    )
    # A remote SPARQL store instead of the embedded one: its query endpoint, and (derived
    # from it when not given) its update and Graph Store Protocol endpoints.
    endpoint: str | None = field(
        default=None,
        metadata=option("a remote SPARQL store's query endpoint, e.g. http://127.0.0.1:7878/query"),
    )
    update_endpoint: str | None = field(
        default=None,
        metadata=option(
            "its SPARQL Update endpoint (default: .../update next to a .../query endpoint, "
            "else the endpoint itself)"
        ),
    )
    graph_store: str | None = field(
        default=None,
        metadata=option(
            "its Graph Store Protocol endpoint (default: .../store next to a .../query "
            "endpoint, else the endpoint itself)"
        ),
    )
    # Credentials for that store (user, password): sent only to an endpoint that asks, in
    # the scheme it asks for; never in a repr, a log or a message. The user comes from the
    # environment, the password from the environment or the first line of a file.
    store_credentials: tuple[str, str] | None = field(
        default=None,
        repr=False,
        metadata=option(
            "read the store's password from the first line of FILE instead of "
            f"${STORE_PASSWORD_VARIABLE} (the user is ${STORE_USER_VARIABLE})",
            flag="--store-password-file",
            type=Path,
            metavar="FILE",
            env=(STORE_USER_VARIABLE, STORE_PASSWORD_VARIABLE),
        ),
    )
    # The /sparql endpoint's limits and policy.
    sparql_timeout: float = field(
        default=10.0,
        metadata=option(
            "seconds a /sparql query may run before it is stopped (default: {default:g})"
        ),
    )
    sparql_max_rows: int = field(
        default=10_000,
        metadata=option("most solutions or triples in one answer (default: {default})"),
    )
    sparql_max_body: int = field(
        default=1_048_576, metadata=option("most bytes in one /sparql request (default: {default})")
    )
    sparql_processes: int = field(
        default=2,
        metadata=option(
            "processes that evaluate /sparql queries on the embedded store (default: {default})"
        ),
    )
    sparql_cache_mb: int = field(
        default=64,
        metadata=option(
            "memory (MiB, per worker) for answers kept for repeated /sparql queries on the "
            "embedded store; 0 turns it off (default: {default})"
        ),
    )
    sparql_max_memory: int = field(
        default=1024,
        metadata=option(
            "memory (MiB) a query process may take for one query on the embedded store; a "
            "query that needs more is stopped, and a process that holds more of its own "
            "after its queries (pages of the store it read) is replaced (default: {default})"
        ),
    )
    allow_service: bool = field(
        default=False,
        metadata=option(
            "let /sparql queries use SERVICE (federated query: the server fetches URLs)"
        ),
    )
    # Where a page's "suggest an edit" link goes: {path} is the entity's source file in the
    # project (data/organizations.ttl), {start} and {end} its lines. None: no link (the
    # CLI derives one from the checkout's git remote when it is a known forge).
    edit_url: str | None = field(
        default=None,
        metadata=option(
            "where pages' 'suggest an edit' links go: {{path}} is the entity's source file, "
            "{{start}} and {{end}} its lines (default: from the checkout's git remote when it is on "
            "GitHub, GitLab or Codeberg; otherwise no link)",
            check=check_edit_url,
        ),
    )
    # The URL this deployment is reached at when it is not the base URI (a mirror, a
    # staging host, an intranet, a local server): JSON-LD names its context under it, so
    # that a JSON-LD processor fetches the context from this server.
    public_url: str | None = field(
        default=None,
        metadata=option(
            "the URL {publisher} is reached at when it is not the base URI (a mirror, staging, "
            "localhost): JSON-LD names its context under it (default: the base URI)",
            check=check_public_url,
        ),
    )

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
        if min(self.workers, self.threads) < 1:
            raise ValueError("the server needs at least one worker process and one thread")

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


def help_text(name: str, publisher: str = "this server") -> str:
    """The help text of a setting, its default and what publishes filled in."""
    declared = next(f for f in fields(Settings) if f.name == name)
    return declared.metadata["help"].format(default=declared.default, publisher=publisher)


def cache_directory(kind: str) -> Path | None:
    """Where lerld keeps what it computed once, by `kind` ("validation": the reports of
    sources already validated; "versions": the entity index and VoID of each version
    served): $LERLD_CACHE_DIR/<kind>, else $XDG_CACHE_HOME/lerld/<kind> (default
    ~/.cache/lerld/<kind>), outside the project. None with LERLD_CACHE_DIR=off."""
    configured = os.environ.get("LERLD_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured) / kind
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lerld" / kind
