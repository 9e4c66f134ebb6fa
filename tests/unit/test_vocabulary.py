"""The vocabulary: metadata as LOV and FOOPS! expect, term documentation, and alignments
whose Open Badges 3.0, CLR 2.0 and Verifiable Credentials targets exist in the official
files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from lerld.core.terms import LER

VANN = Namespace("http://purl.org/vocab/vann/")
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
CRED = "https://www.w3.org/2018/credentials#"
CLR = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
STANDARDS = Path(__file__).parents[1] / "standards"
ONTOLOGY = URIRef(str(LER))


@pytest.fixture(scope="module")
def ontology(sources) -> Graph:
    return sources.graph("ontology")


def english(graph, subject, predicate) -> list[Literal]:
    return [
        o
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en"
    ]


def test_ontology_metadata(ontology):
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert english(ontology, ONTOLOGY, predicate), predicate
    for predicate in (
        DCTERMS.creator,
        DCTERMS.contributor,
        DCTERMS.license,
        DCTERMS.created,
        DCTERMS.modified,
        OWL.versionInfo,
    ):
        assert ontology.value(ONTOLOGY, predicate) is not None, predicate
    # FOOPS! and LOV also look for the publication date and how to cite the vocabulary
    issued = ontology.value(ONTOLOGY, DCTERMS.issued)
    assert issued is not None and str(issued.datatype) == "http://www.w3.org/2001/XMLSchema#date"
    assert issued.toPython() <= ontology.value(ONTOLOGY, DCTERMS.modified).toPython()
    citation = english(ontology, ONTOLOGY, DCTERMS.bibliographicCitation)
    assert citation and str(ontology.value(ONTOLOGY, OWL.versionIRI)) in str(citation[0])
    assert ontology.value(ONTOLOGY, DCTERMS.publisher) is not None
    version = str(ontology.value(ONTOLOGY, OWL.versionInfo))
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"https://w3id.org/ler/ns/{version}")
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "ler"
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(LER)


def terms(ontology):
    return sorted(
        s
        for s, t in ontology.subject_objects(RDF.type)
        if str(s).startswith(str(LER))
        and s != ONTOLOGY
        and t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    )


def test_vocabulary_is_not_trivial(ontology):
    assert len(terms(ontology)) >= 50


def test_every_term_is_documented(ontology):
    for term in terms(ontology):
        assert len(english(ontology, term, RDFS.label)) == 1, term
        assert len(english(ontology, term, RDFS.comment)) == 1, term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


# Properties whose subject or object is deliberately open, with the reason in their comment.
OPEN_ENDED = {LER.issuedBy, LER.issued}


def test_properties_have_domain_or_range(ontology):
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if prop in OPEN_ENDED:
            assert "no domain" in str(ontology.value(prop, RDFS.comment)) or "inverse" in str(
                ontology.value(prop, RDFS.comment)
            )
            continue
        assert (prop, RDFS.domain, None) in ontology or (prop, RDFS.range, None) in ontology, prop
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        assert (prop, RDFS.range, None) in ontology, prop


def official_terms() -> set[str]:
    ob3 = Graph().parse(STANDARDS / "ob3-vocabulary.ttl")
    found = {str(s) for s in ob3.subjects(RDF.type, None) if str(s).startswith(OB)}
    # The upstream v1 Turtle does not parse (it has syntax errors), so read its term list.
    v1 = (STANDARDS / "vc-credentials-v1.ttl").read_text()
    found |= {CRED + name for name in re.findall(r"^cred:(\w+) a ", v1, re.M)}
    v2 = yaml.safe_load((STANDARDS / "vc-vocabulary-v2.yml").read_text())
    found |= {CRED + entry["id"] for key in ("class", "property") for entry in v2.get(key, [])}
    # Real documents are read with the official JSON-LD contexts, which define a few IRIs the
    # vocabulary files lack (ob:OpenBadgeCredential; ob:achievement-0 in contexts 3.0.1-3.0.2).
    # CLR 2.0 has no vocabulary file: its official contexts are the only word on its IRIs.
    table = json.loads((CONTEXTS / "contexts.json").read_text())
    for url, name in table.items():
        if url.startswith(OFFICIAL_CONTEXTS):
            found |= context_iris(json.loads((CONTEXTS / name).read_text())["@context"], {})
    return found


# The official Open Badges 3.0, CLR 2.0 and VC contexts among those `lerld ingest` ships,
# copied unchanged (src/lerld/contexts/README.md says from where).
CONTEXTS = Path(__file__).parents[2] / "src" / "lerld" / "contexts"
OFFICIAL_CONTEXTS = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context",
    "https://purl.imsglobal.org/spec/clr/v2p0/context",
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
)


def context_iris(context: dict, prefixes: dict[str, str]) -> set[str]:
    """Every IRI a JSON-LD context (and the contexts scoped in it) defines a term for."""
    prefixes = {
        **prefixes,
        **{k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))},
    }
    found = set()
    for key, value in context.items():
        if key.startswith("@"):
            continue
        iri = value if isinstance(value, str) else (value or {}).get("@id")
        if isinstance(iri, str) and not iri.startswith("@"):
            prefix, _, rest = iri.partition(":")
            found.add(prefixes[prefix] + rest if prefix in prefixes else iri)
        if isinstance(value, dict) and isinstance(value.get("@context"), dict):
            found |= context_iris(value["@context"], prefixes)
    return found


def test_official_vocabularies_are_read():
    known = official_terms()
    assert OB + "AchievementCredential" in known and OB + "OpenBadgeCredential" in known
    assert CRED + "VerifiableCredential" in known and CRED + "validFrom" in known
    assert CLR + "ClrCredential" in known and CLR + "verifiableCredential" in known
    # the IRI lerld once aligned to, which no CLR document uses
    assert "https://purl.imsglobal.org/spec/clr/vocab#ClrCredential" not in known


def test_every_ob3_clr_and_vc_iri_we_use_exists(sources):
    known = official_terms()
    used = set()
    for node in sources.graph("ontology", "data").all_nodes():
        if (
            isinstance(node, URIRef)
            and str(node).startswith((OB, CRED, CLR))
            and str(node) not in (OB, CRED, CLR)
        ):
            used.add(str(node))
    for namespace in (OB, CRED, CLR):
        assert any(iri.startswith(namespace) for iri in used), f"no alignment to {namespace}"
    assert not used - known, f"not in the official vocabularies: {sorted(used - known)}"


def test_alignment_lives_in_its_own_file(sources):
    core = next(f.graph for f in sources.of_role("ontology") if f.relpath == "ontology/ler.ttl")
    alignment = next(
        f.graph for f in sources.of_role("ontology") if f.relpath == "ontology/alignment.ttl"
    )
    external = [
        (s, p, o)
        for s, p, o in core
        if p
        in (
            RDFS.subClassOf,
            RDFS.subPropertyOf,
            OWL.equivalentClass,
            SKOS.closeMatch,
            SKOS.exactMatch,
        )
        and isinstance(o, URIRef)
        and not str(o).startswith(str(LER))
        and o != SKOS.Concept
    ]
    assert external == []
    targets = {
        str(n)
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch, SKOS.relatedMatch)
        for pair in alignment.subject_objects(p)
        for n in pair
    }
    for namespace in (
        OB,
        CRED,
        CLR,
        "https://schema.org/",
        "https://purl.org/ctdl/terms/",
        "http://www.w3.org/ns/org#",
        "http://xmlns.com/foaf/0.1/",
        str(DCTERMS),
    ):
        assert any(t.startswith(namespace) for t in targets), namespace


@pytest.mark.parametrize(
    "slug,namespace",
    [
        ("issuer", CRED),
        ("evidence", OB),
        ("verifiable-credential", CRED),
        ("open-badges", OB),
        ("comprehensive-learner-record", CLR),
        ("assertion", OB),
    ],
)
def test_glossary_terms_that_name_a_standard_term_point_at_it(sources, slug, namespace):
    data = sources.graph("data")
    term = URIRef(f"https://w3id.org/ler/id/glossary/{slug}")
    matches = {str(o) for p in (SKOS.closeMatch, SKOS.exactMatch) for o in data.objects(term, p)}
    assert any(m.startswith(namespace) for m in matches), (slug, matches)


def test_owl_rl_classifies_an_open_badge_as_an_ler_and_its_issuer(ontology):
    import owlrl

    g = Graph() + ontology
    badge, issuer = URIRef("urn:example:badge"), URIRef("did:example:issuer")
    g.add((badge, RDF.type, URIRef(OB + "AchievementCredential")))
    g.add((badge, URIRef(CRED + "issuer"), issuer))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    assert (badge, RDF.type, LER.VerifiableLER) in g
    assert (badge, RDF.type, URIRef(CRED + "VerifiableCredential")) in g
    assert (issuer, RDF.type, LER.LERIssuer) in g
