"""What an editor gets beyond the corpus of broken inputs (tests/broken_inputs.py): checks
that need git history, the editor's guide, `lerld new`, and "suggest an edit"."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from markupsafe import escape
from rdflib import RDFS, Graph, URIRef

from lerld.cli import main
from lerld.core.settings import Settings, check_edit_url
from lerld.core.terms import LER, SH, shorten
from lerld.project import history
from lerld.project.published import AS
from lerld.project.snapshot import build_snapshot
from lerld.project.sources import load_into, load_sources
from lerld.publish import editing
from lerld.stores.backends import embedded_store
from lerld.web import create_app

REPO = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def git(project: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(project),
            "-c",
            "user.name=Editor",
            "-c",
            "user.email=e@example.org",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def committed(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the map")
    return project


def test_a_change_without_a_new_modified_date_is_reported_at_the_date(project, capsys):
    committed(project)
    path = project / "data" / "organizations.ttl"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"Aspen Institute"@en', '"The Aspen Institute"@en'), "utf-8")
    status, output = run(capsys, "--root", str(project), "validate")
    assert status == 0, output  # a warning: the change still publishes
    lines = path.read_text("utf-8").splitlines()
    line = next(n for n, t in enumerate(lines, 1) if t.startswith("organization:aspen-institute a"))
    assert "dcterms:modified" in lines[line + 1]  # the date, two lines into the description
    assert (
        f"data/organizations.ttl:{line + 2}: organization/aspen-institute (The Aspen Institute)"
        in output
    )
    assert "changed since the last commit, but its dcterms:modified is still 2026-11-23" in output
    # the date bumped: nothing to say
    bumped = path.read_text("utf-8").replace(
        '"The Aspen Institute"@en ;\n    dcterms:modified "2026-11-23"',
        '"The Aspen Institute"@en ;\n    dcterms:modified "2026-12-01"',
    )
    path.write_text(bumped, "utf-8")
    status, output = run(capsys, "--root", str(project), "validate")
    assert "changed since the last commit" not in output
    assert "organization/aspen-institute" not in output


def test_without_git_history_nothing_is_compared(project, capsys):
    path = project / "data" / "organizations.ttl"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"Aspen Institute"@en', '"The Aspen Institute"@en'), "utf-8")
    status, output = run(capsys, "--root", str(project), "validate")
    assert status == 0, output
    assert "changed since the last commit" not in output


# --- the editor's guide ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def repo_store():
    store = embedded_store()
    load_into(store, load_sources(Settings(root=REPO)))
    yield store
    store.close()


@pytest.fixture(scope="module")
def repo_guide(repo_store) -> editing.Guide:
    return editing.guide(repo_store)


def test_the_guide_lists_every_kind_and_every_term_of_the_vocabulary(repo_guide):
    ontology = Graph().parse(REPO / "ontology" / "ler.ttl")
    shapes = Graph().parse(REPO / "shapes" / "ler-shapes.ttl")
    page = editing.to_markdown(repo_guide)
    terms = {s for s in ontology.subjects(RDFS.isDefinedBy, URIRef(str(LER))) if s != LER[""]}
    assert len(terms) > 50
    missing = [shorten(str(t)) for t in terms if f"`{shorten(str(t))}`" not in page]
    assert not missing, missing
    targets = set(shapes.objects(None, SH.targetClass))
    # a tombstone is no kind of entity: it keeps the IRI of an entity of any kind (docs/persistence.md)
    assert {URIRef(k.cls) for k in repo_guide.kinds} == targets - {AS.Tombstone}
    organization = repo_guide.kind("organization")
    assert organization.file == "data/organizations.ttl"
    names = {p.name: p for p in organization.properties}
    assert names["rdfs:label"].status == "required"
    assert names["ler:topic"].status == "optional"  # organizations may have topics
    assert "ler:partner" not in names  # a partner is said of an initiative
    assert "ler:partner" in {p.name for p in repo_guide.kind("initiative").properties}
    position = {p.name: p for p in repo_guide.kind("resource").properties}["ler:position"]
    assert "ler:category" in position.note  # positions count within a category
    assert repo_guide.kind("project") is repo_guide.kind("initiative")  # a subclass


def test_docs_editing_md_is_the_generated_guide(repo_guide):
    # regenerate with: lerld guide --out docs/editing.md
    assert (REPO / "docs" / "editing.md").read_text("utf-8") == editing.to_markdown(repo_guide)


def test_every_example_of_the_guide_validates(project, repo_guide, capsys):
    closed = [k for k in repo_guide.kinds if k.closed]
    assert {k.key for k in closed} == {"stage", "action-area"}
    assert not any(k.example for k in closed)  # a fifth stage would not validate
    examples = "\n".join(k.example for k in repo_guide.kinds)
    (project / "data" / "examples.ttl").write_text(examples, "utf-8")
    status, output = run(capsys, "--root", str(project), "validate", "--min-severity", "info")
    assert status == 0, output
    for kind in repo_guide.kinds:
        assert f"{kind.key}/example " not in output, output  # no finding, not even an info


def test_lerld_new_writes_a_skeleton_that_validates_for_every_kind(project, repo_guide, capsys):
    names = [k.key for k in repo_guide.kinds if not k.closed]
    names += [s.split(":")[-1] for k in repo_guide.kinds for s, _ in k.subclasses[:1]]
    written = []
    for name in names:
        slug = f"new-{name.lower()}"
        status, output = run(capsys, "--root", str(project), "new", name, slug)
        assert status == 0, output
        where, _, message = output.partition(": lerld new: wrote ")
        path, line = where.rsplit(":", 1)
        iri = message.split(";")[0]
        text = (project / path).read_text("utf-8").splitlines()
        assert text[int(line) - 1].endswith((" ;", " .")) and slug in text[int(line) - 1]
        assert date.today().isoformat() in "\n".join(text[int(line) - 1 :])
        written.append(iri)
    assert len(written) >= len(repo_guide.kinds)
    status, output = run(capsys, "--root", str(project), "validate", "--min-severity", "info")
    assert status == 0, output
    for iri in written:
        assert shorten(iri) + " " not in output, output


def test_lerld_new_refuses_what_cannot_be_added(project, capsys):
    status, output = run(capsys, "--root", str(project), "new", "stage", "hiring")
    assert status == 2 and "a closed list (stage:developing, stage:issuing" in output
    status, output = run(capsys, "--root", str(project), "new", "organization", "aspen-institute")
    assert status == 2 and "organization/aspen-institute exists already" in output
    status, output = run(capsys, "--root", str(project), "new", "organization", "Aspen_Inst")
    assert status == 2 and "the slug 'Aspen_Inst' is not valid" in output
    status, output = run(capsys, "--root", str(project), "new", "organisation", "x")
    assert status == 2 and "no kind of entity is called 'organisation'" in output


def test_the_guide_is_a_page_of_the_site(client, repo_guide):
    answer = client.get("/editing")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    for kind in repo_guide.kinds:
        assert f'id="{kind.key}"' in page
        if kind.example:
            assert str(escape(kind.example.splitlines()[-1])) in page
    assert 'href="/editing"' in client.get("/").get_data(as_text=True)


# --- suggest an edit ------------------------------------------------------------------------

GITHUB = "https://github.com/digitalcredentials/ler-map/blob/main/{path}#L{start}-L{end}"


@pytest.mark.parametrize(
    "remote,branch,prefix,expected",
    [
        ("git@github.com:digitalcredentials/ler-map.git", "main", "", GITHUB),
        ("https://github.com/digitalcredentials/ler-map.git", "main", "", GITHUB),
        (
            "https://editor:ghp_secret@github.com/digitalcredentials/ler-map",
            "main",
            "",
            GITHUB,  # the token is never part of a public link
        ),
        (
            "ssh://git@gitlab.com/dcc/maps/ler-map.git",
            "draft",
            "site/",
            "https://gitlab.com/dcc/maps/ler-map/-/blob/draft/site/{path}#L{start}-{end}",
        ),
        (
            "https://codeberg.org/dcc/ler-map.git",
            "main",
            "",
            "https://codeberg.org/dcc/ler-map/src/branch/main/{path}#L{start}-L{end}",
        ),
        ("https://git.example.org/dcc/ler-map.git", "main", "", None),  # unknown forge
        ("/srv/git/ler-map.git", "main", "", None),
    ],
)
def test_the_edit_url_is_derived_from_a_known_forge_remote(remote, branch, prefix, expected):
    assert history.forge_template(remote, branch, prefix) == expected
    if expected:
        check_edit_url(expected)


def test_a_checkout_of_a_forge_gets_edit_links_to_the_entitys_lines(project, capsys):
    committed(project)
    git(project, "remote", "add", "origin", "git@github.com:digitalcredentials/ler-map.git")
    assert history.edit_url(project) == GITHUB
    lines = (project / "data" / "organizations.ttl").read_text("utf-8").splitlines()
    start = next(n for n, t in enumerate(lines, 1) if t.startswith("organization:aspen-institute"))
    end = next(n for n in range(start, len(lines) + 1) if lines[n - 1].endswith(" ."))
    settings = Settings(root=project, edit_url=history.edit_url(project))
    client = create_app(settings, build_snapshot(settings)).test_client()
    page = client.get("/doc/organization/aspen-institute").get_data(as_text=True)
    href = GITHUB.format(path="data/organizations.ttl", start=start, end=end)
    assert f'<a class="edit external" href="{href}">Suggest an edit</a>' in page
    assert f"data/organizations.ttl</code>, lines {start}–{end}" in page
    # the last-updated date next to it
    footer = page[page.index('<footer class="entity-meta">') :]
    assert footer.index("Last updated: <time") < footer.index("Suggest an edit")


def test_no_edit_link_without_a_repository(project):
    assert history.edit_url(project) is None  # not a git checkout
    settings = Settings(root=project)
    client = create_app(settings, build_snapshot(settings)).test_client()
    page = client.get("/doc/organization/aspen-institute").get_data(as_text=True)
    assert "Suggest an edit" not in page and "Last updated: <time" in page
