"""Helpers for tests: a server subprocess polled until it answers and stopped with
terminate -> wait -> kill (benchmarks/processes.py's, shared), and HTTP answers from the
test client or a real server."""

from __future__ import annotations

import contextlib
import html
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph

from lerld.tools.processes import free_port as free_port  # re-exported for the tests
from lerld.tools.processes import launch, memory_mib, stop, wait_until_answers


@dataclass
class ServerProcess:
    process: subprocess.Popen
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def server(
    command: Sequence[str],
    port: int,
    log: Path,
    probe_path: str = "/",
    timeout: float = 60,
    env: dict | None = None,
    cwd: Path | None = None,
) -> Iterator[ServerProcess]:
    """Run a server subprocess on a loopback port for the duration of the block."""
    with open(log, "wb") as out:
        process = launch(command, out, env, cwd)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(url + probe_path, process, timeout, log)
        yield ServerProcess(process, url, log)
    finally:
        stop(process)


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name: state, parent, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def parent_of(pid: int) -> int:
    return int(stat_fields(pid)[1])


def zombie(pid: int) -> bool:
    """Whether a process has ended: a zombie its parent has not reaped yet, or gone."""
    try:
        return stat_fields(pid)[0] == "Z"
    except OSError:
        return True  # gone: not alive either


def until(condition: Callable[[], bool], timeout: float) -> bool:
    """Whether `condition()` holds within `timeout` seconds (asked every 0.2 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def pss_mib(pid: int) -> float:
    """The memory of a process and everything below it: their proportional set sizes (PSS:
    pages shared copy-on-write counted once), summed, in MiB."""
    return memory_mib(pid)["pss_mib"]


def lerld_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "lerld.cli", *args]


def oxigraph_command(location: Path, port: int) -> list[str]:
    """A real Oxigraph server (the `oxigraph` package's binary) on disk, on loopback. Never
    with --timeout-s: it does not stop queries, and it crashed under load."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    return [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]


class Answer:
    """One HTTP response, the same whether the test client or a real server gave it."""

    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def parse(answer: Answer, fmt, snapshot) -> Graph:
    """A representation as a graph; JSON-LD resolves our context locally (nothing is fetched)."""
    body = answer.body
    if fmt.key == "jsonld":
        document = json.loads(body)
        assert document["@context"] == "https://w3id.org/ler/ns/context.jsonld"
        document["@context"] = snapshot.context["@context"]
        body = json.dumps(document).encode()
    return Graph().parse(data=body, format=fmt.rdflib_format)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page:
    """What a test reads in an HTML page: elements with their attributes and text, the
    ids, the links, the alternates and the embedded JSON-LD."""

    html: str
    elements: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        parser = _Collector(self.elements)
        parser.feed(self.html)
        parser.close()

    @property
    def ids(self) -> list[str]:
        return [e.attrs["id"] for e in self.elements if "id" in e.attrs]

    def by_id(self, id_: str) -> Element:
        (found,) = [e for e in self.elements if e.attrs.get("id") == id_]
        return found

    @property
    def links(self) -> list[str]:
        return [e.attrs["href"] for e in self.elements if e.tag == "a" and "href" in e.attrs]

    @property
    def alternates(self) -> dict[str, str]:
        return {
            e.attrs["type"]: e.attrs["href"]
            for e in self.elements
            if e.tag == "link" and e.attrs.get("rel") == "alternate"
        }

    @property
    def structured_data(self) -> list:
        return [
            json.loads(e.text)
            for e in self.elements
            if e.tag == "script" and e.attrs.get("type") == "application/ld+json"
        ]

    @property
    def text(self) -> str:
        """The visible text, whitespace collapsed (scripts left out)."""
        body = re.sub(r"<script.*?</script>", " ", self.html, flags=re.S)
        body = re.sub(r"<[^>]+>", " ", body)
        return " ".join(html.unescape(body).split())


class _Collector(HTMLParser):
    """Every element with its attributes and the text inside it (nested text included)."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def __init__(self, elements: list[Element]) -> None:
        super().__init__(convert_charrefs=True)
        self.elements = elements
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def virtuoso_command(directory: Path, http_port: int, sql_port: int) -> list[str]:
    """A real Virtuoso 7 (Debian's virtuoso-opensource) with its default security (dba/dba;
    writes only on /sparql-auth and /sparql-graph-crud-auth, with HTTP Digest), on
    loopback, with its database in `directory`: a throwaway copy of the stock ini whose
    files and ports point there. The stock ResultSetMaxRows (10000) would cut lerld's
    dumps, as on any production Virtuoso that keeps it: raised, as docs/remote-stores.md says."""
    import configparser

    binary = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
    if not Path(binary).exists() or not VIRTUOSO_INI.exists():  # fail, never skip
        raise RuntimeError("virtuoso-t is missing: install virtuoso-opensource (.ci/run does)")
    ini = configparser.ConfigParser(
        strict=False, interpolation=None, inline_comment_prefixes=(";",)
    )
    ini.optionxform = str  # Virtuoso's keys are case-sensitive in its own tools
    ini.read(VIRTUOSO_INI)
    directory.mkdir(parents=True, exist_ok=True)
    for key, name in (
        ("DatabaseFile", "virtuoso.db"),
        ("ErrorLogFile", "virtuoso.log"),
        ("LockFile", "virtuoso.lck"),
        ("TransactionFile", "virtuoso.trx"),
        ("xa_persistent_file", "virtuoso.pxa"),
    ):
        ini["Database"][key] = str(directory / name)
    ini["TempDatabase"]["DatabaseFile"] = str(directory / "virtuoso-temp.db")
    ini["TempDatabase"]["TransactionFile"] = str(directory / "virtuoso-temp.trx")
    parameters = ini["Parameters"]
    parameters["ServerPort"] = f"127.0.0.1:{sql_port}"
    parameters["DirsAllowed"] = f"., {directory}, /usr/share/virtuoso-opensource-7/vad"
    ini["HTTPServer"]["ServerPort"] = f"127.0.0.1:{http_port}"
    ini["HTTPServer"]["ServerRoot"] = "/var/lib/virtuoso-opensource-7/vsp"
    ini["URIQA"]["DefaultHost"] = f"127.0.0.1:{http_port}"
    ini["SPARQL"]["ResultSetMaxRows"] = "1000000"
    for section in ("Striping", "Plugins"):
        ini.remove_section(section)
    path = directory / "virtuoso.ini"
    with open(path, "w") as out:
        ini.write(out)
    return [binary, "+foreground", "+configfile", str(path)]


ENGINES = ("oxigraph", "virtuoso")
VIRTUOSO_CREDENTIALS = ("dba", "dba")  # its default security: the dba account


@dataclass
class StoreServer:
    """A real SPARQL server as a remote store, with its endpoints and credentials."""

    engine: str
    process: ServerProcess
    query: str
    update: str
    graph_store: str
    credentials: tuple[str, str] | None = None

    def endpoint_args(self) -> list[str]:
        return [
            "--endpoint",
            self.query,
            "--update-endpoint",
            self.update,
            "--graph-store",
            self.graph_store,
        ]

    def env(self) -> dict[str, str]:
        """The environment that gives lerld the store's credentials."""
        if self.credentials is None:
            return {}
        return {
            "LERLD_STORE_USER": self.credentials[0],
            "LERLD_STORE_PASSWORD": self.credentials[1],
        }

    def store(self, **options):
        from lerld.stores.remote import RemoteStore

        return RemoteStore(
            self.query, self.update, self.graph_store, credentials=self.credentials, **options
        )

    def load(self, root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """`lerld load` of the project at root into this server."""
        return subprocess.run(
            lerld_command("--root", str(root), "load", *self.endpoint_args(), *args),
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, **(self.env() if env is None else env)},
        )


@contextlib.contextmanager
def store_server(engine: str, directory: Path) -> Iterator[StoreServer]:
    """A fresh, empty Oxigraph server or Virtuoso (default security) on loopback."""
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    if engine == "oxigraph":
        command = oxigraph_command(directory / "db", port)
        with server(command, port, directory / "oxigraph.log") as running:
            url = running.url
            yield StoreServer(engine, running, url + "/query", url + "/update", url + "/store")
        return
    command = virtuoso_command(directory, port, free_port())
    with server(command, port, directory / "out.log", "/sparql", timeout=120) as running:
        url = running.url
        yield StoreServer(
            engine,
            running,
            url + "/sparql",
            url + "/sparql-auth",
            url + "/sparql-graph-crud-auth",
            VIRTUOSO_CREDENTIALS,
        )


# --- static web servers with a build's rules --------------------------------------------


def server_binary(name: str, package: str) -> str:
    """A web server's binary (PATH, then /usr/sbin: Debian's place, not on every user's PATH).
    Missing, the tests fail: they never skip."""
    path = shutil.which(name) or f"/usr/sbin/{name}"
    if not Path(path).is_file():
        pytest.fail(
            f"the static build's server-rules tests need {name}, and there is none on PATH or "
            f"at {path}: install Debian's package (apt-get install -y --no-install-recommends "
            f"{package}; .ci/run does)",
            pytrace=False,
        )
    return path


@contextlib.contextmanager
def nginx_server(out: Path, prefix: Path) -> Iterator[ServerProcess]:
    """nginx serving a static build `out` with the build's own rules (.nginx/*.conf)."""
    binary = server_binary("nginx", "nginx")
    port = free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {prefix}/tmp;\n"
        f"  include {out}/.nginx/http.conf;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {out};\n"
        f"    include {out}/.nginx/server.conf;\n  }}\n}}\n"
    )
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    with server(command, port, prefix / "run.log", probe_path="/index.html") as running:
        yield running


# What the .htaccess needs, and no more: the test shows that this list is enough.
APACHE_MODULES = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers")


@contextlib.contextmanager
def apache_server(out: Path, prefix: Path) -> Iterator[ServerProcess]:
    """Apache httpd in one process (-X) with a minimal configuration of its own: `out` as
    DocumentRoot with AllowOverride All, so that the .htaccess files in it are the rules."""
    binary = server_binary("apache2", "apache2")
    port = free_port()
    copy = None
    if os.geteuid() == 0:
        # Apache serves as root only if compiled to: it runs as nobody, which cannot read
        # pytest's private temporary directories, so it serves a copy others may read.
        account = pwd.getpwnam("nobody")
        copy = Path(tempfile.mkdtemp(prefix="lerld-apache-"))
        root = shutil.copytree(out, copy / "site")  # copy2: the files keep their times
        for path in [copy, root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    else:
        account, root = pwd.getpwuid(os.geteuid()), out
    modules = "\n".join(
        f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in APACHE_MODULES
    )
    (prefix / "httpd.conf").write_text(
        f"ServerRoot {prefix}\nDefaultRuntimeDir {prefix}\nPidFile {prefix}/httpd.pid\n"
        f"ErrorLog {prefix}/error.log\nLogLevel warn\nServerName 127.0.0.1\n"
        f"Listen 127.0.0.1:{port}\nUser #{account.pw_uid}\nGroup #{account.pw_gid}\n"
        f"{modules}\nTypesConfig /etc/mime.types\nDirectoryIndex index.html\n"
        f'DocumentRoot "{root}"\n'
        "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n"
        f'<Directory "{root}">\n    AllowOverride All\n    Require all granted\n</Directory>\n'
    )
    command = [binary, "-X", "-f", str(prefix / "httpd.conf")]
    try:
        with server(command, port, prefix / "run.log", probe_path="/index.html") as running:
            yield running
    finally:
        if copy is not None:
            shutil.rmtree(copy)
