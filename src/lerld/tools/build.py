"""`lerld build OUT/`: the whole site as static files, plus the server rules (nginx,
Apache .htaccess) that restore content negotiation and the 303s on a plain web server.

Every file is the application's own answer, fetched through Flask's test client, so the
static site is the dynamic one byte for byte. Nothing is listed by hand: the crawl starts
from the application's routes that take no argument and follows what the answers link
to (HTML href/src, Link headers, redirects, the sitemap, the collection's JSON-LD, the
imports of JavaScript modules).

Layout: a URL with an extension is the file of that name (doc/x/y.ttl, dump.nt.gz,
ns/context.jsonld). An extensionless URL that the server negotiates (doc/x/y, ns,
.well-known/void, /) is not a file: its representations are (doc/x/y.html, ...), and the
rules pick one by the Accept header; hosts with "pretty URLs" (GitHub Pages) serve
doc/x/y.html for doc/x/y. Every file's time is the snapshot's last modification, so
Last-Modified is the same as the dynamic server's. The same sources give the same bytes.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import shutil
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lerld.core.errors import LerldError
from lerld.core.formats import DOCUMENT_FORMATS, SITE_FORMATS, Format, alternate_relation
from lerld.core.terms import DEFAULT_BASE_URI

if TYPE_CHECKING:
    from flask import Flask

MARKER = ".lerld-build"
# Services that only a running server can answer.
DYNAMIC = ("/sparql",)
REDIRECTS = (301, 302, 303, 307, 308)
GONE = 410
# The answers of withdrawn entities' IRIs (410 Gone), which the rules serve as error pages.
GONE_DIRECTORY = "gone/"


class BuildError(LerldError):
    """The output directory cannot be used."""


@dataclass(frozen=True)
class Site:
    """The static site: file path (relative, '/'-separated) -> bytes."""

    files: dict[str, bytes]
    modified: float
    # Links the site has that answer neither 200 nor a redirect: path -> status.
    broken: dict[str, int]
    # Entities that are no longer live (tombstones): kind/slug -> the replacement's
    # kind/slug, or None for one withdrawn (410 Gone; its answers are under gone/).
    departed: dict[str, str | None] = field(default_factory=dict)


# href and src attributes as the application's templates write them (Jinja quotes and
# escapes every attribute value): ten times faster than an HTML parser over every page.
HTML_LINK = re.compile(r"""\s(?:href|src)=(?:"([^"]*)"|'([^']*)')""")


def local_path(url: str, base_uri: str) -> str | None:
    """The site path a link names, if it is one of ours and static (no query)."""
    if url.startswith(base_uri):
        url = "/" + url[len(base_uri) :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.query:
        return None
    if parts.path.startswith(DYNAMIC):
        return None
    return parts.path


def links(body: bytes, content_type: str, headers, base_uri: str) -> Iterator[str]:
    """Every URL an answer links to: Link headers, Location, and its content's links."""
    for value in headers.getlist("Link"):
        yield from re.findall(r"<([^>]+)>", value)
    if "Location" in headers:
        yield headers["Location"]
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("text/html"):
        yield from (html.unescape(a or b) for a, b in HTML_LINK.findall(text) if a or b)
    elif "xml" in content_type:
        yield from re.findall(r"<loc>([^<]+)</loc>", text)
    elif "javascript" in content_type:  # ES modules' static and dynamic imports
        yield from re.findall(r"""(?:\bfrom|\bimport\s*\(?)\s*["']([^"']+\.js)["']""", text)
    elif content_type.startswith("text/plain"):
        yield from re.findall(r"^Sitemap: (\S+)", text, re.M)
    elif "json" in content_type:
        yield from _json_ids(json.loads(text), base_uri)


def _json_ids(node, base_uri: str) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@id" and isinstance(value, str) and value.startswith(base_uri):
                yield value
            else:
                yield from _json_ids(value, base_uri)
    elif isinstance(node, list):
        for item in node:
            yield from _json_ids(item, base_uri)


def seeds(app: Flask) -> list[str]:
    """The application's GET routes that take no argument."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and not rule.arguments
        and not rule.rule.startswith(DYNAMIC)
    )


def file_for(path: str) -> str:
    """The file that holds the answer for a path that is not negotiated."""
    name = path.lstrip("/")
    if not name:
        return "index.html"
    last = name.rsplit("/", 1)[-1]
    return name if "." in last else name + ".html"


def crawl(app: Flask) -> Site:
    """Fetch every page the site's routes and links reach, with no Accept header."""
    snapshot = app.extensions["lerld"].current
    base_uri = app.config["LERLD_SETTINGS"].base_uri
    client = app.test_client()
    files: dict[str, bytes] = {}
    departed = departures(snapshot.store, base_uri)
    # every format of a withdrawn entity's IRI and document: the rules answer 410 with them
    gone = [
        f"/{where}/{stem}.{fmt.extension}"
        for stem, new in departed.items()
        if new is None
        for where in ("id", "doc")
        for fmt in DOCUMENT_FORMATS
    ]
    queue = deque(seeds(app) + gone)
    seen: set[str] = set()
    broken: dict[str, int] = {}
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code not in (200, GONE, *REDIRECTS):
            broken[path] = response.status_code
            continue
        for url in links(response.data, response.content_type or "", response.headers, base_uri):
            found = local_path(urljoin(path, url), base_uri)
            if found and found not in seen:
                queue.append(found)
        if "Content-Location" in response.headers:
            continue  # negotiated: its files are fetched by their own URLs
        if response.status_code == 200:
            files[file_for(path)] = response.data
        elif response.status_code == GONE:
            files[GONE_DIRECTORY + file_for(path)] = response.data
    missing = client.get("/.lerld-no-such-page", headers={"Accept": "text/html"})
    files["404.html"] = missing.data
    return Site(files, snapshot.modified.timestamp(), dict(sorted(broken.items())), departed)


def departures(store, base_uri: str) -> dict[str, str | None]:
    """Each tombstone's kind/slug mapped to its replacement's (None: withdrawn)."""
    from lerld.project.published import tombstones

    space = base_uri + "id/"
    return {
        t.iri[len(space) :]: t.replacement[len(space) :] if t.replacement else None
        for t in tombstones(store).values()
        if t.iri.startswith(space) and (t.replacement or space).startswith(space)
    }


# --- server rules ------------------------------------------------------------------------


def _template(name: str) -> str:
    return resources.files("lerld").joinpath("server", name).read_text(encoding="utf-8")


def _types(site: Site) -> dict[str, str]:
    """Extension -> media type for every file of the site: the format table first, then
    Python's built-in table (not the machine's, so the rules are the same everywhere)."""
    table = {f.extension.rsplit(".", 1)[-1]: f.media_type for f in SITE_FORMATS}
    builtin = mimetypes.MimeTypes(filenames=())
    for path in site.files:
        extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        if extension and extension not in table:
            table[extension] = builtin.guess_type("x." + extension)[0] or "application/octet-stream"
    return dict(sorted(table.items()))


def _alternation(values) -> str:
    return "|".join(re.escape(v) for v in values)


def first_named(fmt: Format, space: str = r"\s") -> str:
    """A case-insensitive regular expression (PCRE, as nginx and Apache have) matching an
    Accept header whose first element that names a document format names this one, with
    any parameters (charset, profile): a static server cannot weigh q-values, so the
    type a client names first is taken as the one it prefers. `space` is how the server's
    configuration can write optional white space."""

    def names(formats) -> str:
        return _alternation(t for f in formats for t in (f.media_type, *f.aliases))

    element_end = f"{space}*(;|,|$)"
    other = f"(?!{space}*({names(DOCUMENT_FORMATS)}){element_end})[^,]*,"
    return f"^({other})*{space}*({names([fmt])}){element_end}"


def nginx_rules(site: Site) -> dict[str, str]:
    types = _types(site)
    by_type: dict[str, list[str]] = {}
    for extension, media_type in types.items():
        by_type.setdefault(media_type, []).append(extension)
    blank = "[ \t]"  # a space or a tab, written as such in the map
    negotiation = "\n".join(
        f'    "~*{first_named(f, blank)}" {f.extension};' for f in DOCUMENT_FORMATS
    )
    extensions = "|".join(f.extension for f in DOCUMENT_FORMATS)
    link = ", ".join(
        f'<$lerld_stem.{f.extension}>; rel=\\"{alternate_relation(f)}\\"; type=\\"{f.media_type}\\"'
        for f in DOCUMENT_FORMATS
    )
    http = (
        _template("nginx-http.conf")
        .replace("@DEFAULT@", DOCUMENT_FORMATS[0].extension)
        .replace("@NEGOTIATION@", negotiation)
        .replace("@EXTENSIONS@", extensions)
    )
    departed = []
    for stem, new in sorted(site.departed.items()):
        entity = re.escape(stem)
        if new is not None:
            departed += [
                f'location ~ "^/id/{entity}(?<lerld_as>\\.[a-z.]+)?$" {{\n'
                f"    return 303 /doc/{new}$lerld_as;\n}}",
                f'location ~ "^/doc/{entity}(?<lerld_as>\\.[a-z.]+)?$" {{\n'
                f"    return 301 /doc/{new}$lerld_as;\n}}",
            ]
        else:
            departed += [
                f'location ~ "^/(?<lerld_gone>(id|doc)/{entity})$" {{\n'
                f"    error_page 410 /{GONE_DIRECTORY}$lerld_gone.$lerld_ext;\n    return 410;\n}}",
                f'location ~ "^/(?<lerld_gone>(id|doc)/{entity}\\.({extensions}))$" {{\n'
                f"    error_page 410 /{GONE_DIRECTORY}$lerld_gone;\n    return 410;\n}}",
            ]
    server = (
        _template("nginx-server.conf")
        .replace("@DEPARTED@", "\n".join(departed))
        .replace("@GONE@", GONE_DIRECTORY)
        .replace(
            "@TYPES@",
            "\n".join(f"    {t} {' '.join(e)};" for t, e in sorted(by_type.items())),
        )
        .replace(
            "@CHARSET_TYPES@",
            " ".join(sorted({f.media_type for f in SITE_FORMATS if f.charset} - {"text/html"})),
        )
        .replace("@LINKS@", link)
    )
    return {".nginx/http.conf": http, ".nginx/server.conf": server}


def apache_rules(site: Site) -> str:
    types = _types(site)
    charsets = " ".join(f".{f.extension}" for f in SITE_FORMATS if f.charset)
    negotiation = []
    for fmt in DOCUMENT_FORMATS:
        negotiation += [
            "RewriteCond %{REQUEST_FILENAME} !-f",
            f"RewriteCond %{{HTTP_ACCEPT}} {first_named(fmt)} [NC]",
            f"RewriteCond %{{REQUEST_FILENAME}}.{fmt.extension} -f",
            f"RewriteRule ^(.+)$ $1.{fmt.extension} [L]",
        ]
    default = DOCUMENT_FORMATS[0].extension
    negotiation += [
        "RewriteCond %{REQUEST_FILENAME} !-f",
        f"RewriteCond %{{REQUEST_FILENAME}}.{default} -f",
        f"RewriteRule ^(.+)$ $1.{default} [L]",
    ]
    # mod_mime reads every extension of a name: dump.nt.gz would get .nt's charset (and a
    # Content-Encoding where the host maps .gz to one). A binary format's type is forced.
    binary = []
    for fmt in SITE_FORMATS:
        if not fmt.charset:
            binary += [
                f'<FilesMatch "\\.{re.escape(fmt.extension)}$">',
                f"    ForceType {fmt.media_type}",
                "</FilesMatch>",
                f"RemoveEncoding .{fmt.extension.rsplit('.', 1)[-1]}",
            ]
    link = ", ".join(
        f'<%{{LERLD_STEM}}e.{f.extension}>; rel=\\"{alternate_relation(f)}\\"; '
        f'type=\\"{f.media_type}\\"'
        for f in DOCUMENT_FORMATS
    )
    departed = []
    for stem, new in sorted(site.departed.items()):
        entity = re.escape(stem)
        if new is not None:
            departed += [
                f"RewriteRule ^id/{entity}(\\.[a-z.]+)?$ doc/{new}$1 [R=303,L]",
                f"RewriteRule ^doc/{entity}(\\.[a-z.]+)?$ doc/{new}$1 [R=301,L]",
            ]
        else:
            departed.append(f"RewriteRule ^(id|doc)/{entity}(\\.[a-z.]+)?$ - [G,L]")
    return (
        _template("htaccess")
        .replace("@DEPARTED@", "\n".join(departed))
        .replace("@GONE@", GONE_DIRECTORY)
        .replace("@TYPES@", "\n".join(f"AddType {t} .{e}" for e, t in types.items()))
        .replace("@CHARSETS@", f"AddCharset utf-8 {charsets}")
        .replace("@BINARY@", "\n".join(binary))
        .replace("@EXTENSIONS@", "|".join(f.extension for f in DOCUMENT_FORMATS))
        .replace("@LINKS@", link)
        .replace("@NEGOTIATION@", "\n".join(negotiation))
        .replace("@VOCABULARY@", VOCABULARY_PATHS)
    )


# --- writing -----------------------------------------------------------------------------


def prepare(out: Path) -> None:
    """An empty output directory: a new one, or an earlier build's (replaced whole)."""
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"{out} is not a directory")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise BuildError(f"{out} is not empty and not an earlier lerld build: not touching it")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def write(site: Site, out: Path) -> int:
    """Write the site and its server rules; every file gets the snapshot's time."""
    prepare(out)
    texts = {
        **nginx_rules(site),
        ".htaccess": apache_rules(site),
        ".nojekyll": "",
        MARKER: "Written by `lerld build`; the next build replaces this directory whole.\n",
    }
    everything = {**site.files, **{k: v.encode("utf-8") for k, v in texts.items()}}
    for relpath, body in sorted(everything.items()):
        target = out / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        os.utime(target, (site.modified, site.modified))
    return len(site.files)


def build(app: Flask, out: Path) -> Site:
    """Crawl the application and write the static site to `out`."""
    site = crawl(app)
    write(site, out)
    return site


# --- w3id.org ------------------------------------------------------------------------------


# The vocabulary's negotiated paths: ns, a version (ns/1.0.0), a module or page of either
# (ns/alignment, ns/1.0.0/alignment, ns/changes); not a file (ns/context.jsonld).
VOCABULARY_PATHS = r"ns(/[0-9]+(\.[0-9]+)*)?(/[a-z][a-z0-9-]*)?"
# The default base URI's directory on w3id.org.
W3ID_PATH = urlsplit(DEFAULT_BASE_URI).path


def w3id_rules(host: str, path: str = W3ID_PATH) -> str:
    """The .htaccess of the base URI's directory in the perma-id/w3id.org repository
    (`lerld w3id`): w3id.org redirects, the deployed host (`host`, ending with '/') answers.

    An entity IRI is a thing: 303 See Other to its document on the host, in the format of
    its extension, if any (the host negotiates the rest). The vocabulary (/ns) and each of
    its versions (/ns/X.Y.Z, and its modules such as /ns/alignment) are negotiated here, as
    w3id.org entries do, by the first document format the Accept header names (as the
    static build's rules), with a 303 to that format's file; a header that names none gets
    the extensionless URL, which the host negotiates. Anything else goes to the same path
    on the host (302: the host may move, the IRIs do not)."""
    negotiation = []
    for fmt in DOCUMENT_FORMATS:
        negotiation += [
            f"RewriteCond %{{HTTP_ACCEPT}} {first_named(fmt)} [NC]",
            f"RewriteRule ^({VOCABULARY_PATHS})$ {host}$1.{fmt.extension} [R=303,L]",
        ]
    return (
        _template("w3id.htaccess")
        .replace("@PATH@", path)
        .replace("@HOST@", host)
        .replace("@EXTENSIONS@", "|".join(re.escape(f.extension) for f in DOCUMENT_FORMATS))
        .replace("@NEGOTIATION@", "\n".join(negotiation))
        .replace("@VOCABULARY@", VOCABULARY_PATHS)
    )
