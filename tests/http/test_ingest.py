"""`lerld ingest` on the 90 real credentials of tests/credentials/: how many are ingested,
rejected and why; classification by the alignment axioms only; no personal data or proof
kept; nothing fetched; provenance; the result published like every other source."""

from __future__ import annotations

import json
import socket
import subprocess
from datetime import date
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from lerld.core.settings import Settings
from lerld.core.terms import LER
from lerld.project.snapshot import build_snapshot
from lerld.project.sources import graph_name
from lerld.tools.ingest import document_paths, ingest
from lerld.tools.ingest.issuers import slug
from lerld.web import create_app
from tests.conftest import INGEST_DAY, REPO
from tests.support import lerld_command

CREDENTIALS = REPO / "tests" / "credentials"
PROV = Namespace("http://www.w3.org/ns/prov#")
OUTPUT = "data/ingested/credentials.ttl"
# a credential whose issuer is only a DID, which several of the fixtures' issuers use
STRING_ISSUER = "ed25519_didKey_legacy-noStatus-noExpiry-stringIssuerId.json"


def test_ingests_the_real_credentials_and_says_why_it_rejects_the_others(ingested_project):
    _, result = ingested_project
    print(
        f"\ningested {result.ingested} of {len(result.outcomes)} documents "
        f"({result.records} distinct credentials); rejected {len(result.rejected)}: {result.reasons()}"
    )
    assert len(result.outcomes) == 90
    assert (result.ingested, len(result.rejected), result.records) == (80, 10, 19)
    # 6 plain VCs and 2 OB3 endorsements attest no achievement; 1 credential of 2021 says
    # schema:hasCredential, which the alignment does not map; 1 file is empty upstream
    assert result.reasons() == {"not-an-ler": 9, "unreadable": 1}
    endorsements = [o for o in result.rejected if "EndorsementCredential" in o.message]
    assert len(endorsements) == 2


def test_an_unknown_context_is_rejected_naming_it(project, tmp_path):
    made_up = "https://example.org/contexts/made-up/v1"
    document = json.loads(
        (CREDENTIALS / "v2_ed25519_didKey_legacy-noStatus-noExpiry.json").read_text()
    )
    document["@context"] = [*document["@context"], made_up]
    path = tmp_path / "made-up.json"
    path.write_text(json.dumps(document))
    (outcome,) = ingest(Settings(root=project), [path], write=False).outcomes
    assert outcome.reason == "unknown-context"
    assert outcome.message == (
        f"unknown JSON-LD context {made_up}: lerld never fetches contexts from the network"
    )


def test_records_say_who_issued_what_and_when_with_provenance(ingested_project):
    root, _ = ingested_project
    graph = Graph().parse(root / OUTPUT)
    records = set(graph.subjects(None, LER.VerifiableLER))
    assert records and all(
        str(r).startswith("https://w3id.org/ler/id/credential/") for r in records
    )
    for record in records:
        issuer = graph.value(record, LER.issuedBy)
        assert (issuer, None, LER.LERIssuer) in graph
        assert graph.value(record, DCTERMS.modified) == Literal(date.fromisoformat(INGEST_DAY))
    teamwork = [
        r
        for r in records
        if graph.value(r, PROV.wasDerivedFrom) == URIRef("http://example.com/credentials/3527")
    ]
    assert teamwork
    achievement = graph.value(teamwork[0], LER.achievement)
    assert str(graph.value(achievement, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    # the DCC's own badge is matched to the map's organization, now known as an LER issuer
    dcc = URIRef("https://w3id.org/ler/id/organization/digital-credentials-consortium")
    assert (dcc, None, LER.LERIssuer) in graph and (dcc, LER.issuedBy, None) not in graph
    assert any(graph.value(r, LER.issuedBy) == dcc for r in records)


def test_a_nameless_issuer_is_kept_as_an_organization_of_its_own(ingested_project):
    """Several organizations use the fixtures' DIDs: an issuer that gives only its DID is
    recorded as an organization named after it, not dropped nor guessed."""
    root, result = ingested_project
    graph = Graph().parse(root / OUTPUT)
    did = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
    assert len(set(graph.subjects(DCTERMS.identifier, Literal(did)))) > 2
    (outcome,) = [o for o in result.outcomes if o.path.endswith("v2_" + STRING_ISSUER)]
    issuer = graph.value(URIRef(outcome.record), LER.issuedBy)
    assert issuer == URIRef(f"https://w3id.org/ler/id/organization/issuer-{slug(did)}")
    assert graph.value(issuer, RDFS.label) == Literal(f"Issuer {did}", lang="en")
    assert (issuer, RDF.type, LER.Organization) in graph


def test_a_nameless_issuer_known_by_one_organization_is_matched_to_it(project, tmp_path):
    document = json.loads((CREDENTIALS / ("v2_" + STRING_ISSUER)).read_text())
    did = document["issuer"]
    dcc = "https://w3id.org/ler/id/organization/digital-credentials-consortium"
    organizations = project / "data" / "organizations.ttl"
    organizations.write_text(
        organizations.read_text() + f'\n<{dcc}> <{DCTERMS.identifier}> "{did}" .\n'
    )
    path = tmp_path / "nameless.json"
    path.write_text(json.dumps(document))
    result = ingest(Settings(root=project), [path], write=False)
    graph = Graph().parse(data=result.turtle)
    assert graph.value(URIRef(result.outcomes[0].record), LER.issuedBy) == URIRef(dcc)
    document["issuer"] = {"type": "Profile"}  # neither a name nor an id
    path.write_text(json.dumps(document))
    (outcome,) = ingest(Settings(root=project), [path], write=False).outcomes
    assert outcome.reason == "unknown-issuer"


def test_no_personal_data_nor_proof_is_kept(ingested_project):
    root, _ = ingested_project
    text = (root / OUTPUT).read_text()
    documents = {}
    for path in CREDENTIALS.glob("*.json"):
        try:
            documents[path] = json.loads(path.read_text())
        except json.JSONDecodeError:
            continue
    for path, document in documents.items():
        subject = dict(document.get("credentialSubject") or {})
        for key in ("id", "name", "email"):
            if isinstance(subject.get(key), str):
                assert subject[key] not in text, (path.name, key)
        for proof in (
            document.get("proof")
            if isinstance(document.get("proof"), list)
            else [document.get("proof") or {}]
        ):
            for key in ("proofValue", "jws"):
                if proof.get(key):
                    assert proof[key] not in text


def test_classification_comes_from_the_alignment_axioms(tmp_path):
    """Without the axiom that an ob:OpenBadgeCredential is a ler:VerifiableLER, the very
    same documents are not LERs: no code knows Open Badges types."""
    import shutil

    # without the releases: this edit is about classification, not about compatibility
    # with release 1.0.0 (which would call it a change that needs a new version)
    for name in ("ontology", "shapes", "data"):
        ignore = shutil.ignore_patterns("upstream", "releases")
        shutil.copytree(REPO / name, tmp_path / name, ignore=ignore)
    alignment = tmp_path / "ontology" / "alignment.ttl"
    axiom = "ob:OpenBadgeCredential rdfs:subClassOf ler:VerifiableLER .\n"
    assert axiom in alignment.read_text()
    alignment.write_text(alignment.read_text().replace(axiom, ""))
    paths = sorted(CREDENTIALS.glob("v2_ed25519_didKey_legacy-noStatus-noExpiry*.json"))
    result = ingest(Settings(root=tmp_path), paths, write=False)
    assert result.ingested == 0
    assert {o.reason for o in result.rejected} == {"not-an-ler"}


def test_nothing_is_fetched_from_the_network(tmp_path, monkeypatch, project):
    def refuse(*args, **kwargs):
        raise AssertionError("lerld ingest opened a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    paths = sorted(CREDENTIALS.glob("v1_ed25519_didWeb_*.json"))
    result = ingest(Settings(root=project), paths, write=False)
    assert result.ingested == len(paths) > 1


def test_ingesting_again_changes_nothing(ingested_project, tmp_path):
    root, first = ingested_project
    before = (root / OUTPUT).read_bytes()
    again = ingest(
        Settings(root=root), document_paths([CREDENTIALS]), day=date(2030, 1, 1), write=False
    )
    assert again.turtle.encode() == before and again.records == first.records


def test_cli_reports_and_exits_1_when_some_are_rejected(project):
    documents = [
        CREDENTIALS / "v2_ed25519_didKey_legacy-noStatus-noExpiry.json",
        CREDENTIALS / "v2_ed25519_didKey_legacy-expiredStatus-noExpiry.json",
    ]
    run = subprocess.run(
        lerld_command(
            "--root", str(project), "ingest", *map(str, documents), "--date", "2026-11-24"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "not-an-ler" in run.stdout and "expiredStatus" in run.stdout
    assert "1 of 2 documents ingested" in run.stdout
    assert (project / OUTPUT).exists()


def test_ingested_graph_is_published_in_its_own_named_graph(ingested_project):
    root, result = ingested_project
    snapshot = build_snapshot(Settings(root=root))
    assert graph_name(OUTPUT) in snapshot.graphs
    record = next(o.record for o in result.outcomes if o.record)
    client = create_app(Settings(root=root), snapshot).test_client()
    path = record[len("https://w3id.org/ler") :]
    assert client.get(path).status_code == 303
    ttl = client.get(path.replace("/id/", "/doc/", 1) + ".ttl")
    assert ttl.status_code == 200 and b"VerifiableLER" in ttl.data
    page = client.get(f"/entities.jsonld?since={INGEST_DAY}&type=ler:VerifiableLER").get_json()
    assert page["hydra:totalItems"] == result.records


def test_ingested_records_served_by_a_real_server(ingested_server, ingested_project):
    import requests

    _, result = ingested_project
    record = next(o.record for o in result.outcomes if o.record)
    r = requests.get(
        ingested_server.url + record[len("https://w3id.org/ler") :],
        headers={"Accept": "text/turtle"},
        timeout=30,
    )
    assert r.status_code == 200 and r.url.endswith(record.rsplit("/", 1)[-1])
    assert "ler:VerifiableLER" in r.text


def test_paths_of_a_directory(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "b.txt").write_text("")
    assert document_paths([tmp_path]) == [tmp_path / "a.json"]
    assert isinstance(document_paths([Path("x.json")])[0], Path)
