"""The sitemap of every entity document, for search engines: sitemap.xml (a sitemap index
of sitemaps/<n>.xml beyond the protocol's limit), with the removed entities marked as a
ResourceSync change list marks deletions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from xml.sax.saxutils import escape

from lerld.project.published import Tombstone
from lerld.publish.describe import document_url
from lerld.publish.index import Entry

# The sitemaps protocol's limit of URLs per sitemap file; more entities get a sitemap index.
SITEMAP_LIMIT = 50_000
# The ResourceSync namespace, declared only by a sitemap that lists removals.
RESOURCESYNC = ' xmlns:rs="http://www.openarchives.org/rs/terms/"'


def sitemap_files(
    index: Sequence[Entry],
    base_uri: str,
    limit: int = SITEMAP_LIMIT,
    removals: Sequence[Tombstone] = (),
) -> dict:
    """{path: XML bytes}: sitemap.xml lists every entity document with its lastmod; beyond
    `limit` URLs it is a sitemap index of sitemaps/<n>.xml, as the protocol requires.

    The documents of removed entities (`removals`) are listed after them as a ResourceSync
    change list does (ANSI/NISO Z39.99-2017): <rs:md change="deleted"/> with the day of the
    removal, and for a replaced one <rs:ln rel="successor-version"> to its replacement's
    document. Search engines ignore the rs: elements; ResourceSync clients learn deletions."""
    rows: list = [*index, *removals]
    chunks = [rows[i : i + limit] for i in range(0, len(rows), limit)] or [rows]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0], base_uri)}
    files = {f"sitemaps/{n}.xml": _urlset(chunk, base_uri) for n, chunk in enumerate(chunks, 1)}
    entries = []
    for n, chunk in enumerate(chunks, 1):
        latest = max((_day_of(e) for e in chunk if _day_of(e)), default=None)
        lastmod = f"<lastmod>{latest.isoformat()}</lastmod>" if latest else ""
        entries.append(
            f"  <sitemap><loc>{escape(base_uri)}sitemaps/{n}.xml</loc>{lastmod}</sitemap>"
        )
    files["sitemap.xml"] = _xml("sitemapindex", entries)
    return files


def _day_of(row: Entry | Tombstone) -> date | None:
    return row.modified if isinstance(row, Entry) else row.day


def _urlset(entries: Iterable[Entry | Tombstone], base_uri: str) -> bytes:
    rows, changes = [], False
    for e in entries:
        day = _day_of(e)
        lastmod = f"<lastmod>{day.isoformat()}</lastmod>" if day else ""
        change = ""
        if isinstance(e, Tombstone):
            changes = True
            change = '<rs:md change="deleted"/>'
            if e.replacement:
                new = escape(str(document_url(e.replacement, base_uri)), {'"': "&quot;"})
                change += f'<rs:ln rel="successor-version" href="{new}"/>'
        loc = escape(str(document_url(e.iri, base_uri)))
        rows.append(f"  <url><loc>{loc}</loc>{lastmod}{change}</url>")
    return _xml("urlset", rows, RESOURCESYNC if changes else "")


def _xml(root: str, rows: list[str], namespaces: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{namespaces}>\n'
        + "".join(row + "\n" for row in rows)
        + f"</{root}>\n"
    ).encode("utf-8")
