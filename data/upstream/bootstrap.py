"""One-time import of the LER Ecosystem Map v2 into the Turtle files of data/.

This is how data/ was first produced from the map's Jekyll sources (copied beside
this script) and from the two seed texts; it is kept as a record of that import.
Since then the Turtle in data/ is the source of truth and is edited by hand:
do not run this script again over edited data (it refuses to overwrite files
unless given --force).

    python data/upstream/bootstrap.py [--force]

Curated facts that the upstream files only name (organizations, initiatives,
topics, standards) are written here as tables, each with the place it comes from.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

import yaml
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

HERE = Path(__file__).resolve().parent
UPSTREAM = HERE / "ler-ecosystem-map-v2"
DATA = HERE.parent
MODIFIED = Literal("2026-11-23", datatype=XSD.date)

LER = Namespace("https://w3id.org/ler/ns#")
ID = "https://w3id.org/ler/id/"
SCHEMA = Namespace("https://schema.org/")
OB = Namespace("https://purl.imsglobal.org/spec/vc/ob/vocab.html#")
CRED = Namespace("https://www.w3.org/2018/credentials#")
CLR = Namespace("https://purl.imsglobal.org/spec/vc/clr/vocab.html#")
CETERMS = Namespace("https://purl.org/ctdl/terms/")

KINDS = [
    "stakeholder",
    "stage",
    "action-area",
    "work-stream",
    "recommendation",
    "value-proposition",
    "quote",
    "organization",
    "initiative",
    "topic",
    "resource",
    "resource-category",
    "glossary",
    "glossary-sense",
    "standard",
    "framework",
    "principle",
    "advantage",
    "guidance",
    "ler-role",
    "scenario",
    "scenario-step",
    "scheme",
]


def iri(kind: str, slug: str) -> URIRef:
    assert kind in KINDS, kind
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    return URIRef(f"{ID}{kind}/{slug}")


def slugify(text: str, words: int = 8) -> str:
    text = text.lower().replace("&", " and ").replace("@", " at ").replace("’", "").replace("'", "")
    parts = re.findall(r"[a-z0-9]+", text)
    return "-".join(parts[:words])


def clean(text: str | None) -> str:
    """Decode HTML entities, turn paragraph tags into blank lines, drop other tags."""
    if text is None:
        return ""
    text = html.unescape(str(text))
    text = re.sub(r"</p>\s*<p[^>]*>|<p[^>]*>", "\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def strip_quotes(text: str) -> str:
    return text.strip().strip('“”"').strip()


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def load_corrections() -> list[dict]:
    return yaml.safe_load((HERE / "corrections.yml").read_text())["corrections"]


CORRECTIONS = load_corrections()


def corrected(text: str, context: str | None = None) -> tuple[list[str], str | None]:
    """The texts data/ holds for an upstream text, and the editorial note to record."""
    for c in CORRECTIONS:
        if c["upstream"] == text and c.get("context") in (None, context):
            note = f'Corrected from the upstream text "{text}": {c["reason"]}'
            return list(c["corrected"]), note
    return [text], None


class Builder:
    """Collects triples for one output file, keeping the bindings readable."""

    def __init__(self) -> None:
        self.g = Graph()
        for prefix, ns in {
            "ler": LER,
            "skos": SKOS,
            "dcterms": DCTERMS,
            "schema": SCHEMA,
            "xsd": XSD,
            "ob": OB,
            "cred": CRED,
            "clr": CLR,
            "ceterms": CETERMS,
        }.items():
            self.g.bind(prefix, ns)
        for kind in KINDS:
            self.g.bind(kind.replace("-", ""), Namespace(f"{ID}{kind}/"))

    def entity(self, node: URIRef, *types: URIRef) -> URIRef:
        for t in types:
            self.g.add((node, RDF.type, t))
        self.g.add((node, DCTERMS.modified, MODIFIED))
        return node

    def add(self, s, p, o) -> None:
        if o is not None and o != "":
            self.g.add((s, p, o))

    def note(self, s, note: str | None) -> None:
        if note:
            self.g.add((s, SKOS.editorialNote, en(note)))

    def write(self, relpath: str, force: bool) -> None:
        path = DATA / relpath
        if path.exists() and not force:
            sys.exit(f"{path} exists: data/ is edited by hand now; pass --force to overwrite")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.g.serialize(format="turtle"))
        print(f"wrote {path.relative_to(DATA.parent)} ({len(self.g)} triples)")


# --------------------------------------------------------------------------
# Curated tables
# --------------------------------------------------------------------------

STAGES = [
    ("developing", "Developing", "Researching & creating the LER solutions"),
    ("issuing", "Issuing", "Issuing verifiable LERs to learners & earners"),
    ("using", "Using", "Learners and earners using LERs to discover & access opportunities"),
    ("adopting", "Adopting", "Integrating systems & behaviors that accept LERs for opportunities"),
]

ACTION_AREA_SLUGS = {
    "promoting": "promoting-adoption",
    "building": "building-employer-demand",
    "gathering": "gathering-data-on-impact",
    "supporting": "supporting-degree-and-skills-based-systems",
}

# Order of the stakeholder groups on the map's home page.
STAKEHOLDER_ORDER = [
    "learners-earners",
    "employers",
    "credentialing-organizations",
    "ler-technology-providers",
    "hr-systems",
    "career-navigators",
    "supporting-systems",
    "governance",
    "funders",
    "data-standards-organizations",
]

ALT_STAKEHOLDER_LABELS = {"learners-earners": "Learners and Earners"}

# slug: (name, acronym, homepage, stakeholder groups, hosted by, description, kinds)
# Sources: the map's About page (contributors), its stakeholder examples and quotes,
# the resource catalogue (authors), and the two seed texts (partners, funders).
ORGANIZATIONS: dict[str, tuple] = {
    "digital-credentials-consortium": (
        "Digital Credentials Consortium",
        "DCC",
        "https://digitalcredentials.mit.edu/",
        [],
        "mit-open-learning",
        "A group of higher education institutions in North America and Europe, founded in 2018 and hosted at MIT Open Learning, that is advancing the use and understanding of portable, verifiable digital academic credentials in higher education through open source technology development and leadership, research, and advocacy.",
    ),
    "mit-open-learning": (
        "MIT Open Learning",
        None,
        "https://openlearning.mit.edu/",
        [],
        None,
        "Transforming teaching and learning at MIT and around the globe through the innovative use of digital technologies.",
    ),
    "nationswell": (
        "NationSwell",
        None,
        "https://nationswell.com/",
        [],
        None,
        "A B Corp dedicated to providing essential support to impact-driven leaders and organizations through a unique membership community and leading impact studio.",
    ),
    "aacrao": (
        "American Association of Collegiate Registrars and Admissions Officers",
        "AACRAO",
        "https://www.aacrao.org/",
        ["supporting-systems"],
        None,
        None,
    ),
    "brookings-institution": (
        "Brookings Institution",
        None,
        "https://www.brookings.edu/",
        ["supporting-systems"],
        None,
        None,
    ),
    "competency-based-education-network": (
        "Competency-Based Education Network",
        "C-BEN",
        "https://www.c-ben.org/",
        ["supporting-systems"],
        None,
        None,
    ),
    "digital-promise": (
        "Digital Promise",
        None,
        "https://digitalpromise.org/",
        ["supporting-systems"],
        None,
        None,
    ),
    "jobs-for-the-future": (
        "Jobs for the Future",
        "JFF",
        "https://www.jff.org/",
        ["supporting-systems"],
        None,
        None,
    ),
    "national-association-of-workforce-boards": (
        "National Association of Workforce Boards",
        "NAWB",
        "https://www.nawb.org/",
        ["career-navigators"],
        None,
        None,
    ),
    "national-governors-association": (
        "National Governors Association",
        "NGA",
        "https://www.nga.org/",
        ["governance"],
        None,
        None,
    ),
    "us-chamber-of-commerce-foundation": (
        "U.S. Chamber of Commerce Foundation",
        "USCCF",
        "https://www.uschamber.com/",
        [],
        None,
        None,
    ),
    "shrm-foundation": (
        "SHRM Foundation",
        None,
        "https://www.shrm.org/front-door",
        ["supporting-systems"],
        "shrm",
        "The foundation of the Society for Human Resource Management.",
    ),
    "shrm": (
        "Society for Human Resource Management",
        "SHRM",
        "https://www.shrm.org/",
        ["hr-systems"],
        None,
        None,
    ),
    "walmart": (
        "Walmart",
        None,
        "https://corporate.walmart.com/",
        ["employers", "funders"],
        None,
        None,
    ),
    "credential-engine": (
        "Credential Engine",
        None,
        "https://credentialengine.org/",
        ["data-standards-organizations"],
        None,
        None,
    ),
    "aspen-institute": (
        "Aspen Institute",
        None,
        "https://www.aspeninstitute.org/",
        ["supporting-systems"],
        None,
        None,
    ),
    "arizona-state-university": (
        "Arizona State University",
        "ASU",
        "https://www.asu.edu/",
        ["credentialing-organizations"],
        None,
        None,
    ),
    "we-are-open-co-op": ("We Are Open Co-op", None, "https://weareopen.coop/", [], None, None),
    "learning-economy-foundation": (
        "Learning Economy Foundation",
        None,
        "https://www.learningeconomy.io/",
        [],
        None,
        None,
    ),
    "w3c": (
        "World Wide Web Consortium",
        "W3C",
        "https://www.w3.org/",
        ["data-standards-organizations"],
        None,
        None,
    ),
    "1edtech": (
        "1EdTech Consortium",
        "1EdTech",
        "https://www.1edtech.org/",
        ["data-standards-organizations"],
        None,
        None,
    ),
    "decentralized-identity-foundation": (
        "Decentralized Identity Foundation",
        "DIF",
        "https://identity.foundation/",
        ["data-standards-organizations"],
        None,
        None,
    ),
    "hr-open-standards": (
        "HR Open Standards Consortium",
        "HR Open",
        "https://www.hropenstandards.org/",
        ["data-standards-organizations"],
        None,
        None,
    ),
    "alabama-talent-triad": ("Alabama Talent Triad", None, None, ["governance"], None, None),
    "getting-smart": ("Getting Smart", None, "https://www.gettingsmart.com/", [], None, None),
    "credential-as-you-go": (
        "Credential As You Go",
        None,
        "https://credentialasyougo.org/",
        ["supporting-systems"],
        None,
        "A national initiative for incremental credentialing that publishes playbooks and runs the Learn & Work Ecosystem Library, which catalogues the organizations, initiatives and topics of the learn-and-work ecosystem.",
    ),
    "colorado-workforce-development-council": (
        "Colorado Workforce Development Council",
        "CWDC",
        "https://cwdc.colorado.gov/",
        ["governance"],
        None,
        None,
    ),
    "strada-education-foundation": (
        "Strada Education Foundation",
        None,
        "https://stradaeducation.org/",
        ["supporting-systems"],
        None,
        None,
    ),
    "strada-education-network": (
        "Strada Education Network",
        None,
        None,
        ["supporting-systems"],
        None,
        None,
    ),
    "opportunity-at-work": (
        "Opportunity@Work",
        None,
        "https://opportunityatwork.org/",
        ["supporting-systems"],
        None,
        None,
    ),
    "national-fund-for-workforce-solutions": (
        "National Fund of Workforce Solutions",
        None,
        None,
        ["supporting-systems"],
        None,
        None,
    ),
    "talent-rewire": ("Talent Rewire", None, None, ["supporting-systems"], None, None),
    "whiteboard-advisors": ("Whiteboard Advisors", None, None, ["supporting-systems"], None, None),
    "workingnation": ("WorkingNation", None, "https://workingnation.com/", [], None, None),
    "americas-promise": ("America’s Promise", None, None, ["supporting-systems"], None, None),
    "cognizant-foundation": ("Cognizant Foundation", None, None, ["funders"], None, None),
    "grads-of-life": ("Grads of Life", None, None, ["supporting-systems"], None, None),
    "national-skills-coalition": (
        "National Skills Coalition",
        None,
        None,
        ["supporting-systems"],
        None,
        None,
    ),
    "new-profit": ("New Profit", None, None, ["funders"], None, None),
    "skillup-coalition": ("Skillup Coalition", None, None, ["supporting-systems"], None, None),
    "georgia-tech-c21u": (
        "Georgia Tech Center for 21st Century Universities",
        "C21U",
        "https://c21u.gatech.edu/",
        ["credentialing-organizations"],
        None,
        None,
    ),
    "t3-innovation-network": (
        "T3 Innovation Network",
        "T3",
        "https://www.t3networkhub.org/",
        [],
        "us-chamber-of-commerce-foundation",
        "An initiative of the U.S. Chamber of Commerce Foundation that convenes organizations to advance learning and employment records, data standards and the T3 Network Hub of resources.",
    ),
    "trusted-learner-network": (
        "Trusted Learner Network",
        "TLN",
        "https://tln.asu.edu/",
        ["governance"],
        "arizona-state-university",
        "A network of Arizona State University whose governing body proposes the policies that govern how learners, issuers and service providers interact with the network.",
    ),
    "participate": ("Participate", None, None, ["ler-technology-providers"], None, None),
    "csu-dominguez-hills": (
        "California State University, Dominguez Hills",
        None,
        "https://www.csudh.edu/",
        ["credentialing-organizations"],
        None,
        None,
    ),
    "bioscience-core-skills-institute": (
        "Bioscience Core Skills Institute",
        None,
        None,
        ["credentialing-organizations"],
        None,
        None,
    ),
    "american-workforce-policy-advisory-board": (
        "American Workforce Policy Advisory Board",
        None,
        None,
        ["governance"],
        None,
        None,
    ),
    "international-telecommunication-union": (
        "International Telecommunication Union",
        "ITU",
        "https://www.itu.int/",
        ["data-standards-organizations"],
        None,
        "The United Nations specialized agency for information and communication technologies.",
    ),
    "open-data-institute": ("Open Data Institute", "ODI", "https://theodi.org/", [], None, None),
    "lerld-contributors": (
        "lerld contributors",
        None,
        None,
        [],
        None,
        "The people who build and maintain lerld, the Linked Data edition of the LER Ecosystem Map.",
    ),
}

# Organizations that are also initiatives (networks and campaigns that author resources).
ORGANIZATION_INITIATIVE_TYPES = {
    "t3-innovation-network": LER.Network,
    "trusted-learner-network": LER.Network,
    "credential-as-you-go": LER.Project,
}

# Resource authors as spelled upstream -> organization slugs.
AUTHORS = {
    "Alabama Talent Triad": ["alabama-talent-triad"],
    "Getting Smart": ["getting-smart"],
    "Brookings Institution": ["brookings-institution"],
    "Competency-based Education Network": ["competency-based-education-network"],
    "Credential as You Go": ["credential-as-you-go"],
    "Credential As You Go": ["credential-as-you-go"],
    "The T3 Innovation Network": ["t3-innovation-network"],
    "SHRM": ["shrm"],
    "Colorado Workforce Development Council": ["colorado-workforce-development-council"],
    "Digital Credentials Consortium": ["digital-credentials-consortium"],
    "Jobs for the Future": ["jobs-for-the-future"],
    "National Governors Association": ["national-governors-association"],
    "Strada Education Foundation": ["strada-education-foundation"],
    "Opportunity@Work, Strada Education Network, National Fund of Workforce Solutions, Talent Rewire, Whiteboard Advisors, WorkingNation, America’s Promise, Cognizant Foundation, Grads of Life, Jobs For the Future, National Skills Coalition, New Profit, and Skillup Coalition": [
        "opportunity-at-work",
        "strada-education-network",
        "national-fund-for-workforce-solutions",
        "talent-rewire",
        "whiteboard-advisors",
        "workingnation",
        "americas-promise",
        "cognizant-foundation",
        "grads-of-life",
        "jobs-for-the-future",
        "national-skills-coalition",
        "new-profit",
        "skillup-coalition",
    ],
    "Aspen Institute": ["aspen-institute"],
    "Georgia Tech Center for 21st Century Universities": ["georgia-tech-c21u"],
    "Digital Promise": ["digital-promise"],
    "Opportunity@Work": ["opportunity-at-work"],
    "Credential Engine": ["credential-engine"],
    "World Wide Web Consortium": ["w3c"],
}

TOPICS = {
    # slug: (label, definition, broader, related)
    "digital-credentials": (
        "Digital credentials",
        "Credentials issued, stored and shared in digital form, from badges and certificates to diplomas and licences.",
        [],
        [],
    ),
    "learning-and-employment-records": (
        "Learning and Employment Records",
        "Digital records of a person's learning and work experiences, spanning education, the workplace, and service and life experience.",
        ["digital-credentials"],
        ["skills-based-hiring"],
    ),
    "verifiable-credentials": (
        "Verifiable credentials",
        "Credentials that are digitally signed by their issuer so that anyone can check they are authentic and untampered with.",
        ["digital-credentials"],
        ["open-standards"],
    ),
    "micro-credentials": (
        "Micro-credentials",
        "Credentials for learning achievements or outcomes smaller than a full degree or certificate, ideally stackable.",
        ["digital-credentials"],
        [],
    ),
    "digital-wallets": (
        "Digital wallets",
        "Applications in which learners and earners store, view and share their digital credentials.",
        [],
        ["verifiable-credentials", "learner-data-control"],
    ),
    "learner-data-control": (
        "Learner data control and privacy",
        "Learners and earners owning the data about their achievements and deciding with whom, when and how it is shared.",
        [],
        [],
    ),
    "interoperability": (
        "Interoperability",
        "The ability of credentials and the systems that issue, hold and consume them to work together.",
        [],
        ["open-standards"],
    ),
    "open-standards": (
        "Open standards",
        "Specifications developed in collaborative, consensus-driven processes and available to anyone to implement.",
        [],
        [],
    ),
    "workforce-development": (
        "Workforce development",
        "Efforts that prepare people for work and help them advance, from training and career navigation to public workforce systems.",
        [],
        [],
    ),
    "skills-based-hiring": (
        "Skills-based hiring and advancement",
        "Recruiting, hiring and advancing people on the evidence of their skills and competencies rather than on proxies such as degrees.",
        ["workforce-development"],
        ["competency-frameworks"],
    ),
    "competency-frameworks": (
        "Competency frameworks",
        "Structured sets of competencies, knowledge, skills and abilities that credentials, jobs and curricula can refer to.",
        [],
        [],
    ),
    "equity-and-economic-mobility": (
        "Equity and economic mobility",
        "Opening access to learning and work opportunities for all, and the economic mobility that follows.",
        [],
        ["workforce-development"],
    ),
    "impact-data": (
        "Data on impact",
        "Empirical evidence of whether LERs unlock opportunities for learners and streamline processes for employers and educators.",
        [],
        [],
    ),
    "credential-policy-and-governance": (
        "Credential policy and governance",
        "Policies, frameworks and governance models for quality assurance, trust and data infrastructure around credentials.",
        [],
        [],
    ),
}

# Topics of each resource, by slug of its title.
RESOURCE_TOPICS = {
    "the-alabama-talent-playbook": ["skills-based-hiring", "workforce-development"],
    "credentialing-everything-a-primer-on-learning-and-employment-records": [
        "learning-and-employment-records",
        "digital-wallets",
    ],
    "going-digital-how-learning-and-employment-records-shape-access": [
        "learning-and-employment-records",
        "equity-and-economic-mobility",
    ],
    "interoperable-learning-and-employment-records-the-7-principles-of": [
        "learning-and-employment-records",
        "interoperability",
    ],
    "the-learn-and-work-ecosystem-library": [
        "learning-and-employment-records",
        "workforce-development",
    ],
    "the-t3-network-hub": ["learning-and-employment-records", "open-standards"],
    "breaking-the-paper-ceiling-skills-and-credentials-not-degrees": ["skills-based-hiring"],
    "colorado-talent-pipeline-report": ["workforce-development"],
    "credentials-to-employment-last-mile-report": [
        "learning-and-employment-records",
        "verifiable-credentials",
        "skills-based-hiring",
    ],
    "jobseekers-want-digital-credentials-for-skill-sharing-are-employers": [
        "digital-credentials",
        "skills-based-hiring",
    ],
    "learning-and-employment-record-use-cases": [
        "learning-and-employment-records",
        "credential-policy-and-governance",
    ],
    "skills-based-practices-a-journey-map-for-employers": ["skills-based-hiring"],
    "state-opportunity-index-strengthening-the-link-between-education-and": [
        "equity-and-economic-mobility",
        "impact-data",
    ],
    "the-words-of-the-workforce-introduction-a-field-guide": ["workforce-development"],
    "upskill-america": ["workforce-development"],
    "5-steps-to-unlocking-a-skills-based-future-for": [
        "skills-based-hiring",
        "equity-and-economic-mobility",
    ],
    "building-a-skills-based-talent-marketplace-verifiable-credentials-wallets": [
        "verifiable-credentials",
        "digital-wallets",
        "skills-based-hiring",
    ],
    "employer-perspectives-and-insights-from-c21us-research": [
        "digital-credentials",
        "skills-based-hiring",
    ],
    "inclusive-design-principles-for-learning-and-employment-records-co": [
        "learning-and-employment-records",
        "equity-and-economic-mobility",
    ],
    "incremental-credentialing-in-graduate-education": ["micro-credentials"],
    "tear-the-paper-ceiling": ["skills-based-hiring", "equity-and-economic-mobility"],
    "credential-engine-learning-and-employment-records-action-guide": [
        "learning-and-employment-records",
        "credential-policy-and-governance",
    ],
    "making-sense-of-the-key-data-standards-for-verifiable": [
        "verifiable-credentials",
        "open-standards",
    ],
    "skills-based-hiring-and-advancement-lers-resumes-and-related": [
        "skills-based-hiring",
        "open-standards",
    ],
    "what-is-a-verifiable-credential": ["verifiable-credentials"],
    "whats-the-key-to-building-learning-and-employment-records": [
        "learning-and-employment-records",
        "interoperability",
    ],
}

# slug: (glossary mappings to standard terms, standards the term is about, related topics)
GLOSSARY_LINKS = {
    "assertion": ([OB.AchievementCredential], ["open-badges-3-0"], []),
    "competency-framework": ([], [], ["competency-frameworks"]),
    "comprehensive-learner-record": ([CLR.ClrCredential], ["comprehensive-learner-record-2-0"], []),
    "credential": ([CETERMS.Credential], [], ["digital-credentials"]),
    "digital-wallet": ([], [], ["digital-wallets"]),
    "evidence": ([OB.Evidence, CRED.evidence], ["open-badges-3-0", "verifiable-credentials"], []),
    "interoperability": ([], [], ["interoperability"]),
    "issuer": ([CRED.issuer, OB.Profile], ["verifiable-credentials"], []),
    "learning-and-employment-record-ler-issued-as-a-verifiable-credential": (
        [LER.VerifiableLER],
        ["verifiable-credentials", "open-badges-3-0", "comprehensive-learner-record-2-0"],
        ["learning-and-employment-records"],
    ),
    "micro-credential": ([CETERMS.MicroCredential], [], ["micro-credentials"]),
    "open-data-standard": ([], [], ["open-standards"]),
    "open-badges": ([OB.AchievementCredential, CETERMS.OpenBadge], ["open-badges-3-0"], []),
    "skills-based-hiring-and-advancement": ([], [], ["skills-based-hiring"]),
    "verification": ([], ["verifiable-credentials"], []),
    "verifiable-credential": (
        [CRED.VerifiableCredential],
        ["verifiable-credentials"],
        ["verifiable-credentials"],
    ),
}
GLOSSARY_SLUGS = {
    "Comprehensive Learner Record (CLR)": "comprehensive-learner-record",
    "Learning and Employment Record (LER) Issued as a Verifiable Credential (LER/VC)": "learning-and-employment-record-ler-issued-as-a-verifiable-credential",
    "Skills-based Hiring and Advancement (SBHA)": "skills-based-hiring-and-advancement",
}
GLOSSARY_ALT_LABELS = {
    "comprehensive-learner-record": ["CLR"],
    "learning-and-employment-record-ler-issued-as-a-verifiable-credential": ["LER/VC"],
    "skills-based-hiring-and-advancement": ["SBHA"],
    "micro-credential": ["Microcredential"],
}
# Senses of a multi-sense term that name a standard's term.
SENSE_LINKS = {
    ("comprehensive-learner-record", 3): [CLR.ClrCredential],
    ("verifiable-credential", 1): [CRED.VerifiableCredential],
}


# --------------------------------------------------------------------------
# Importers
# --------------------------------------------------------------------------


def read_yaml(name: str) -> dict:
    return yaml.safe_load((UPSTREAM / "_data" / name).read_text())


def as_list(value) -> list:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def scheme(b: Builder, slug: str, title: str, description: str) -> URIRef:
    node = b.entity(iri("scheme", slug), SKOS.ConceptScheme)
    b.add(node, SKOS.prefLabel, en(title))
    b.add(node, DCTERMS.description, en(description))
    b.add(
        node, DCTERMS.source, URIRef("https://github.com/digitalcredentials/ler-ecosystem-map-v2")
    )
    return node


def build_lifecycle(force: bool) -> None:
    b = Builder()
    s = scheme(
        b,
        "lifecycle-stages",
        "LER lifecycle stages",
        "The four stages of the LER lifecycle around which the LER Ecosystem Map arranges the roles and work streams of every stakeholder group.",
    )
    for pos, (slug, label, definition) in enumerate(STAGES, 1):
        node = b.entity(iri("stage", slug), LER.LifecycleStage)
        b.add(node, SKOS.prefLabel, en(label))
        b.add(node, SKOS.definition, en(definition))
        b.add(node, LER.position, Literal(pos))
        b.add(node, SKOS.inScheme, s)
        b.add(node, SKOS.topConceptOf, s)

    s = scheme(
        b,
        "action-areas",
        "Action areas",
        "The four areas of action that the LER Ecosystem Map calls on stakeholder groups to take up to promote effective use and adoption of LERs in service of equity and opportunity.",
    )
    for pos, action in enumerate(read_yaml("action-items-content.yml")["actions"], 1):
        node = b.entity(iri("action-area", ACTION_AREA_SLUGS[action["name"]]), LER.ActionArea)
        title = clean(action["title"])
        if title.startswith("Support "):
            b.add(node, SKOS.prefLabel, en("Supporting " + title.removeprefix("Support ")))
            b.add(node, SKOS.altLabel, en(title))
        else:
            b.add(node, SKOS.prefLabel, en(title))
        b.add(node, SKOS.definition, en(clean(action["description"])))
        b.add(node, LER.position, Literal(pos))
        b.add(node, SKOS.inScheme, s)
        b.add(node, SKOS.topConceptOf, s)
    b.write("lifecycle.ttl", force)


def statement_list(b: Builder, kind: str, group: URIRef, prefix: str, bullets, cls, link) -> None:
    texts: list[tuple[str, str | None]] = []
    for raw in as_list(bullets):
        values, note = corrected(clean(raw))
        texts.extend((v, note) for v in values)
    for pos, (text, note) in enumerate(texts, 1):
        node = b.entity(iri(kind, f"{prefix}-{pos}"), cls)
        b.add(node, RDFS.label, en(text))
        b.add(node, LER.stakeholderGroup, group)
        b.add(node, link[0], link[1])
        b.add(node, LER.position, Literal(pos))
        b.note(node, note)


def build_stakeholders(force: bool) -> None:
    groups = read_yaml("stakeholders-list.yml")["stakeholders"]
    b = Builder()
    scheme(
        b,
        "stakeholder-groups",
        "Stakeholder groups of the LER ecosystem",
        "The ten stakeholder groups of the LER Ecosystem Map. Each has a role to play in developing, issuing, using and adopting LERs, all while centering equity as an ongoing driver for the work.",
    )
    b.write("stakeholders/scheme.ttl", force)
    stage_slugs = {label: slug for slug, label, _ in STAGES}
    for item in groups:
        slug = item["url"].strip()
        b = Builder()
        group = b.entity(iri("stakeholder", slug), LER.StakeholderGroup)
        b.add(group, SKOS.prefLabel, en(clean(item["name"])))
        if slug in ALT_STAKEHOLDER_LABELS:
            b.add(group, SKOS.altLabel, en(ALT_STAKEHOLDER_LABELS[slug]))
        b.add(group, SKOS.definition, en(clean(item["definition"])))
        b.add(group, SKOS.example, en(clean(item["examples"])))
        b.add(group, SKOS.inScheme, iri("scheme", "stakeholder-groups"))
        b.add(group, SKOS.topConceptOf, iri("scheme", "stakeholder-groups"))
        b.add(group, LER.position, Literal(STAKEHOLDER_ORDER.index(slug) + 1))
        b.add(
            group,
            SCHEMA.url,
            URIRef(
                f"https://github.com/digitalcredentials/ler-ecosystem-map-v2/blob/main/_stakeholders/{slug}.md"
            ),
        )
        for section in item.get("sections") or []:
            stage = stage_slugs[clean(section["title"])]
            statement_list(
                b,
                "work-stream",
                group,
                f"{slug}-{stage}",
                section.get("bullets"),
                LER.WorkStream,
                (LER.stage, iri("stage", stage)),
            )
        for area in item.get("action-areas") or []:
            short = area["title"]
            statement_list(
                b,
                "recommendation",
                group,
                f"{slug}-{short}",
                area.get("bullets"),
                LER.Recommendation,
                (LER.actionArea, iri("action-area", ACTION_AREA_SLUGS[short])),
            )
        for key, cls, label in (
            ("business-case", LER.BusinessCase, "business"),
            ("social-case", LER.SocialCase, "social"),
        ):
            for pos, case in enumerate(item.get(key) or [], 1):
                node = b.entity(iri("value-proposition", f"{slug}-{label}-{pos}"), cls)
                b.add(node, RDFS.label, en(clean(case["title"])))
                texts, note = corrected(clean(case["description"]))
                b.add(node, DCTERMS.description, en(texts[0]))
                b.note(node, note)
                b.add(node, LER.stakeholderGroup, group)
                b.add(node, LER.position, Literal(pos))
        if item.get("quote-text"):
            node = b.entity(iri("quote", slug), LER.Quote)
            attribution = clean(item["quote-description"])
            b.add(node, RDFS.label, en(f"{attribution.split(',')[0]} on {clean(item['name'])}"))
            b.add(node, LER.text, en(strip_quotes(clean(item["quote-text"]))))
            b.add(node, LER.attribution, en(attribution))
            b.add(node, LER.stakeholderGroup, group)
        b.write(f"stakeholders/{slug}.ttl", force)


def build_glossary(force: bool) -> None:
    b = Builder()
    s = scheme(
        b,
        "glossary",
        "Glossary of the LER ecosystem",
        "Key terms of the Learning & Employment Records field as defined by the LER Ecosystem Map. These terms reference the draft glossary in progress with the T3 Innovation Network Learning & Employment Record Guide.",
    )
    b.add(s, DCTERMS.source, URIRef("https://www.t3networkhub.org/resources"))
    for item in read_yaml("glossary-list.yml")["terms"]:
        label = clean(item["term"])
        slug = GLOSSARY_SLUGS.get(label, slugify(label))
        term = b.entity(iri("glossary", slug), LER.GlossaryTerm)
        b.add(term, SKOS.prefLabel, en(label))
        b.add(term, SKOS.inScheme, s)
        for alt in GLOSSARY_ALT_LABELS.get(slug, []):
            b.add(term, SKOS.altLabel, en(alt))
        matches, standards, topics = GLOSSARY_LINKS[slug]
        for m in matches:
            b.add(term, SKOS.closeMatch, m)
        for std in standards:
            b.add(term, LER.standard, iri("standard", std))
        for topic in topics:
            b.add(term, SKOS.related, iri("topic", topic))
        if item.get("definition"):
            texts, note = corrected(clean(item["definition"]))
            b.add(term, SKOS.definition, en(texts[0]))
            b.note(term, note)
        for pos, sense_text in enumerate(as_list(item.get("list")), 1):
            sense = b.entity(iri("glossary-sense", f"{slug}-{pos}"), LER.TermSense)
            b.add(sense, SKOS.prefLabel, en(f"{label} (sense {pos})"))
            b.add(sense, SKOS.definition, en(clean(sense_text)))
            b.add(sense, LER.senseOf, term)
            b.add(sense, LER.position, Literal(pos))
            b.add(sense, SKOS.inScheme, s)
            for m in SENSE_LINKS.get((slug, pos), []):
                b.add(sense, SKOS.closeMatch, m)
    b.write("glossary.ttl", force)


def build_resources(force: bool) -> None:
    b = Builder()
    s = scheme(
        b,
        "resource-categories",
        "Resource categories",
        "The headings under which the LER Ecosystem Map catalogues resources to help readers learn more.",
    )
    for cpos, category in enumerate(read_yaml("resources-list.yml")["resources"], 1):
        cat = b.entity(
            iri("resource-category", slugify(clean(category["name"]))), LER.ResourceCategory
        )
        b.add(cat, SKOS.prefLabel, en(clean(category["name"])))
        b.add(cat, SKOS.inScheme, s)
        b.add(cat, LER.position, Literal(cpos))
        for pos, site in enumerate(category["sites"], 1):
            title = clean(site["title"])
            slug = slugify(title, 9)
            node = b.entity(iri("resource", slug), LER.Resource)
            b.add(node, RDFS.label, en(title))
            b.add(node, LER.category, cat)
            b.add(node, LER.position, Literal(pos))
            if site.get("url"):
                urls, note = corrected(clean(site["url"]), context=title)
                for url in urls:
                    b.add(node, SCHEMA.url, URIRef(url))
                b.note(node, note)
            for org in AUTHORS[clean(site["author"])]:
                b.add(node, LER.author, iri("organization", org))
            for topic in RESOURCE_TOPICS[slug]:
                b.add(node, LER.topic, iri("topic", topic))
            if slug == "credentials-to-employment-last-mile-report":
                b.g.add((node, RDF.type, LER.Report))
                b.add(node, LER.ledBy, iri("organization", "digital-credentials-consortium"))
                b.add(node, DCTERMS.issued, Literal("2022", datatype=XSD.gYear))
                b.add(
                    node,
                    DCTERMS.description,
                    en(
                        "The Digital Credentials Consortium's 2022 report on the barriers between digital credentials and employment. It highlighted ensuring interoperability across emerging standards, connecting with existing trust providers such as accreditation bodies, and developing tools that make it easier to issue standard credentials in digital formats, and recommended a more coordinated ecosystem approach towards widespread adoption."
                    ),
                )
    b.write("resources.ttl", force)


def build_organizations(force: bool) -> None:
    b = Builder()
    for slug, (name, acronym, homepage, groups, host, description) in ORGANIZATIONS.items():
        node = b.entity(iri("organization", slug), LER.Organization)
        if slug in ORGANIZATION_INITIATIVE_TYPES:
            b.g.add((node, RDF.type, ORGANIZATION_INITIATIVE_TYPES[slug]))
        names, note = corrected(name)
        b.add(node, RDFS.label, en(names[0]))
        b.note(node, note)
        if acronym:
            b.add(node, SKOS.altLabel, Literal(acronym, lang="en"))
        if homepage:
            b.add(node, SCHEMA.url, URIRef(homepage))
        if description:
            b.add(node, DCTERMS.description, en(description))
        for group in groups:
            b.add(node, LER.stakeholderGroup, iri("stakeholder", group))
        if host:
            b.add(node, LER.hostedBy, iri("organization", host))
    b.add(
        iri("organization", "shrm-foundation"),
        SKOS.altLabel,
        en("Society for Human Resource Management Foundation"),
    )
    b.note(
        iri("organization", "shrm-foundation"),
        corrected("Society for Resource Management Foundation (SHRM)")[1],
    )
    b.write("organizations.ttl", force)


def build_topics(force: bool) -> None:
    b = Builder()
    s = scheme(
        b,
        "topics",
        "Topics of the LER ecosystem",
        "The subjects that the initiatives and resources of the LER ecosystem are about.",
    )
    for slug, (label, definition, broader, related) in TOPICS.items():
        node = b.entity(iri("topic", slug), LER.Topic)
        b.add(node, SKOS.prefLabel, en(label))
        b.add(node, SKOS.definition, en(definition))
        b.add(node, SKOS.inScheme, s)
        if not broader:
            b.add(node, SKOS.topConceptOf, s)
        for x in broader:
            b.add(node, SKOS.broader, iri("topic", x))
        for x in related:
            b.add(node, SKOS.related, iri("topic", x))
    b.write("topics.ttl", force)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="overwrite existing data files")
    args = parser.parse_args()
    build_lifecycle(args.force)
    build_stakeholders(args.force)
    build_glossary(args.force)
    build_resources(args.force)
    build_organizations(args.force)
    build_topics(args.force)


if __name__ == "__main__":
    main()
