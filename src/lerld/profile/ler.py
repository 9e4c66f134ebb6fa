"""The LER profile: what lerld publishes about the LER Ecosystem Map, as data.

Every class and property of the LER vocabulary that the engine treats in a way of its
own is named here (and in the LER tools, `ingest` and `synth`): the kinds of things and
their titles, how relations are titled, the catalogue pages, how the map draws each
kind, the ordered lists, the titles of the site and its endpoint, the default query.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from lerld.core.terms import ENTITY_BASE, SCHEMA, VOCABULARIES
from lerld.core.terms import LER as NS
from lerld.profile.model import (
    Catalogue,
    Kind,
    Listing,
    MapKind,
    MapProfile,
    OrderedList,
    PartsOf,
    Profile,
    Relation,
    Vocabulary,
)

# In order of precedence: a thing that is an organization and a project is an organization.
KINDS: tuple[Kind, ...] = (
    Kind("stakeholder", (NS.StakeholderGroup,), "Stakeholder group", "Stakeholder groups", "DefinedTerm", named=True),
    Kind("stage", (NS.LifecycleStage,), "Lifecycle stage", "Lifecycle stages", "DefinedTerm", named=True),
    Kind("action-area", (NS.ActionArea,), "Action area", "Action areas", "DefinedTerm", named=True),
    Kind("work-stream", (NS.WorkStream,), "Work stream", "Roles and work streams", "Thing"),
    Kind("recommendation", (NS.Recommendation,), "Recommendation", "Recommendations", "Thing"),
    Kind("business-case", (NS.BusinessCase,), "Business case", "Business case", "Thing"),
    Kind("social-case", (NS.SocialCase,), "Social case", "Social case", "Thing"),
    Kind("quote", (NS.Quote,), "Quote", "Quotes", "Quotation"),
    Kind("organization", (NS.Organization,), "Organization", "Organizations", "Organization", named=True),
    Kind("initiative", (NS.Initiative, NS.Project, NS.Programme, NS.Network, NS.StandardsEffort), "Initiative", "Initiatives", "Project", named=True),
    Kind("report", (NS.Report,), "Report", "Reports", "Report"),
    Kind("topic", (NS.Topic,), "Topic", "Topics", "DefinedTerm", named=True),
    Kind("resource", (NS.Resource,), "Resource", "Resources", "CreativeWork", named=True),
    Kind("category", (NS.ResourceCategory,), "Resource category", "Resource categories", "DefinedTerm", named=True),
    Kind("glossary-term", (NS.GlossaryTerm,), "Glossary term", "Glossary terms", "DefinedTerm", named=True),
    Kind("sense", (NS.TermSense,), "Sense", "Senses", "DefinedTerm"),
    Kind("guidance", (NS.Guidance,), "Guidance", "Guidance", "Article", named=True),
    Kind("standard", (NS.TechnicalStandard,), "Technical standard", "Technical standards", "CreativeWork"),
    Kind("framework", (NS.TechnicalFramework,), "Technical framework", "Technical frameworks", "CreativeWork", named=True),
    Kind("principle", (NS.InteroperabilityPrinciple,), "Interoperability principle", "Interoperability principles", "Thing", named=True),
    Kind("advantage", (NS.Advantage,), "Advantage", "Advantages", "Thing"),
    Kind("ler-role", (NS.LERRole,), "LER role", "LER roles", "DefinedTerm", named=True),
    Kind("scenario", (NS.Scenario,), "Scenario", "Scenarios", "HowTo"),
    Kind("step", (NS.ScenarioStep,), "Scenario step", "Steps", "HowToStep"),
    Kind("scheme", (SKOS.ConceptScheme,), "Concept scheme", "Concept schemes", "DefinedTermSet"),
    Kind("record", (NS.LearningAndEmploymentRecord, NS.VerifiableLER), "LER", "LERs", "EducationalOccupationalCredential"),
    Kind("achievement", (NS.Achievement,), "Achievement", "Achievements", "EducationalOccupationalCredential"),
    Kind("competency", (NS.Competency,), "Competency", "Competencies", "DefinedTerm"),
    Kind("competency-framework", (NS.CompetencyFramework,), "Competency framework", "Competency frameworks", "DefinedTermSet"),
    Kind("endorsement", (NS.Endorsement,), "Endorsement", "Endorsements", "Thing"),
)  # fmt: skip

RELATIONS: dict[URIRef, Relation] = {
    # a group's work streams by stage, its recommendations by action area
    NS.stakeholderGroup: Relation("Stakeholder group", None, (NS.stage, NS.actionArea)),
    NS.stage: Relation("Lifecycle stage", None, (NS.stakeholderGroup,)),
    NS.actionArea: Relation("Action area", None, (NS.stakeholderGroup,)),
    NS.ledBy: Relation("Led by", "Leads"),
    NS.partner: Relation("Partners", "Partner in"),
    NS.funder: Relation("Funders", "Funds"),
    NS.contributor: Relation("Contributors", "Contributes to"),
    NS.hostedBy: Relation("Hosted by", "Hosts"),
    NS.author: Relation("Authors", "Resources authored"),
    NS.developedBy: Relation("Developed by", "Standards developed"),
    NS.topic: Relation("Topics"),
    NS.category: Relation("Category"),
    NS.standard: Relation("Standards"),
    NS.compatibleWith: Relation("Compatible with", "Standards compatible with it"),
    NS.principleOf: Relation("Principle of"),
    NS.advantageOf: Relation("Advantage of"),
    NS.senseOf: Relation("Sense of"),
    NS.stepOf: Relation("Step of"),
    NS.lerRole: Relation("LER role", "Steps taken in this role"),
    NS.guidanceOn: Relation("Explains", "Explained in"),
    NS.issuedBy: Relation("Issued by", "Issued"),
    NS.issued: Relation("Issued", "Issued by"),
    NS.vocabulary: Relation("RDF vocabulary"),
    # what credentials say (`lerld ingest`): achievements, skills, programmes, endorsements
    NS.achievement: Relation("Achievements", "Attested by"),
    NS.includesCredential: Relation("Includes credentials", "Included in"),
    NS.alignedTo: Relation("Aligned to", "Achievements aligned to it"),
    NS.framework: Relation("Framework", "Competencies"),
    NS.parentOrganization: Relation("Parent organization", "Member organizations"),
    NS.endorsedBy: Relation("Endorsed by", "Endorsements made"),
    NS.endorsementOf: Relation("Endorses", "Endorsements"),
    NS.isParentOf: Relation("Contains", "Contained in"),
    NS.isChildOf: Relation("Contained in", "Contains"),
    NS.isPartOf: Relation("Part of", "Parts"),
    NS.isPeerOf: Relation("Peer of", "Peer of"),
    NS.isRelatedTo: Relation("Related achievements", "Related achievements"),
    NS.precedes: Relation("Precedes", "Preceded by"),
    NS.exactMatchOf: Relation("Same as", "Same as"),
    NS.replacedBy: Relation("Replaced by", "Replaces"),
    NS.associatedAchievement: Relation("Associated achievements", "Associated achievements"),
    SKOS.broader: Relation("Broader", "Narrower"),
    SKOS.narrower: Relation("Narrower", "Broader"),
    SKOS.related: Relation("Related"),
    SKOS.inScheme: Relation("In scheme"),
    SKOS.topConceptOf: Relation("Top concept of", "Top concepts"),
    SKOS.closeMatch: Relation("Close match"),
    SKOS.exactMatch: Relation("Exact match"),
    SKOS.relatedMatch: Relation("Related match"),
    DCTERMS.hasVersion: Relation("Versions", "Version of"),
    DCTERMS.isVersionOf: Relation("Version of", "Versions"),
    DCTERMS.replaces: Relation("Replaces", "Replaced by"),
    DCTERMS.isReplacedBy: Relation("Replaced by", "Replaces"),
    DCTERMS.references: Relation("References", "Referenced by"),
    DCTERMS.source: Relation("Source"),
    DCTERMS.license: Relation("Licence"),
    SCHEMA.url: Relation("Website"),
}

# The facts a list item shows under its title, in order.
FACTS = (
    (SKOS.altLabel, "Also"),
    (NS.lerRole, "Role"),
    (NS.author, "By"),
    (NS.developedBy, "Developed by"),
    (SCHEMA.version, "Version"),
    (NS.compatibleWith, "Compatible with"),
    (NS.stakeholderGroup, "Stakeholder group"),
    (NS.topic, "Topics"),
    (NS.standard, "Standard"),
    (SKOS.closeMatch, "Aligned with"),
    (SKOS.exactMatch, "Aligned with"),
    (SKOS.related, "Related"),
    (NS.attribution, "Attribution"),
)

# The texts the catalogue pages quote.
TECHNICAL_GUIDANCE = ENTITY_BASE + "guidance/technical-guidance"
LERS_EXPLAINED = ENTITY_BASE + "guidance/lers-explained"
IMAGINE_A_WORLD = ENTITY_BASE + "guidance/imagine-a-world"


def scheme(slug: str) -> str:
    return ENTITY_BASE + "scheme/" + slug


CATALOGUES = (
    Catalogue(
        "index",
        "LER Ecosystem Map",
        ("stakeholder", "stage", "action-area"),
        (LERS_EXPLAINED, IMAGINE_A_WORLD),
        (Listing(("stakeholder",)), Listing(("stage",)), Listing(("action-area",))),
        "WebSite",
    ),
    Catalogue(
        "stakeholders",
        "Stakeholder groups",
        ("stakeholder",),
        (scheme("stakeholder-groups"),),
        (Listing(("stakeholder",)),),
    ),
    Catalogue(
        "lers-explained",
        "LERs explained",
        ("scenario", "step", "ler-role"),
        (LERS_EXPLAINED,),
        (PartsOf("scenario", NS.stepOf, "How do we use LERs?"), Listing(("ler-role",))),
    ),
    Catalogue(
        "technical-guidance",
        "Technical guidance",
        ("standard", "framework", "principle", "advantage"),
        (TECHNICAL_GUIDANCE,),
        (
            Listing(("standard",)),
            PartsOf("standard", NS.advantageOf, "Advantages"),
            PartsOf("framework", NS.principleOf, "Interoperability principles"),
        ),
    ),
    Catalogue(
        "glossary",
        "Glossary",
        ("glossary-term", "sense"),
        (scheme("glossary"),),
        (Listing(("glossary-term",), NS.senseOf),),
        "DefinedTermSet",
    ),
    Catalogue(
        "resources",
        "Resources",
        ("category", "resource"),
        (scheme("resource-categories"),),
        (PartsOf("category", NS.category, "Resources by category"),),
    ),
    Catalogue(
        "organizations", "Organizations", ("organization",), (), (Listing(("organization",)),)
    ),
    Catalogue(
        "initiatives",
        "Initiatives",
        ("initiative", "report"),
        (),
        (Listing(("initiative", "report")),),
    ),
    Catalogue("topics", "Topics", ("topic",), (scheme("topics"),), (Listing(("topic",)),)),
    # what ingested credentials say (`lerld ingest`): empty until credentials are ingested
    Catalogue(
        "skills",
        "Skills and achievements",
        ("competency-framework", "competency", "achievement", "endorsement"),
        (),
        (
            PartsOf("competency-framework", NS.framework, "Competencies by framework"),
            Listing(("achievement",)),
            Listing(("endorsement",)),
        ),
    ),
)

# The site's navigation; an entry shows only when its URL is served.
NAVIGATION = (
    ("/stakeholders", "Stakeholders"),
    ("/lers-explained", "LERs explained"),
    ("/technical-guidance", "Technical guidance"),
    ("/glossary", "Glossary"),
    ("/resources", "Resources"),
    ("/organizations", "Organizations"),
    ("/initiatives", "Initiatives"),
    ("/topics", "Topics"),
    ("/skills", "Skills"),
    ("/map", "Map"),
    ("/ns", "Vocabulary"),
    ("/sparql", "SPARQL"),
)

# In order of precedence: a node of two of these kinds (an organization that is also a
# project) is drawn as the first. Colours are told apart by shape too.
MAP_KINDS = (
    MapKind("stage", "#c2410c", "hexagon", 2.2),
    MapKind("action-area", "#be185d", "star", 2.2, key="area"),
    MapKind("stakeholder", "#1d4ed8", "circle", 2.0, key="group"),
    MapKind("work-stream", "#b45309", "triangle", 0.8, plural="Work streams"),
    MapKind("recommendation", "#9d174d", "triangle-down", 0.8),
    MapKind("organization", "#047857", "square"),
    MapKind("initiative", "#0e7490", "diamond", 1.2),
    MapKind("framework", "#6d28d9", "pentagon", 1.3, key="standard", singular="Standard or framework", plural="Standards and frameworks"),
    MapKind("resource", "#78350f", "plus"),
    MapKind("topic", "#4d7c0f", "octagon", 1.2),
    MapKind("glossary-term", "#475569", "ring", key="glossary"),
    # what ingested credentials say (`lerld ingest`): on the map when present
    MapKind("achievement", "#a16207", "circle", 0.9),
    MapKind("competency", "#15803d", "ring", 0.8),
    MapKind("competency-framework", "#7e22ce", "hexagon", 1.3),
)  # fmt: skip

MAP = MapProfile(
    title="Relational map of the LER ecosystem",
    description="The stakeholder groups, lifecycle stages, action areas, organizations, "
    "initiatives, topics, resources, standards and glossary of the LER Ecosystem Map "
    "and the relations between them.",
    kinds=MAP_KINDS,
    # "involved in" a lifecycle stage or action area: starting from it, each step adds
    # the nodes of these kinds linked to a node added by the step before
    involvement=(
        ("work-stream", "recommendation"),
        ("group",),
        ("organization",),
        ("initiative", "resource", "standard"),
    ),
    focus=("stage", "area"),
)

# The lists whose items carry a position, and what makes two items part of one list: the
# resources of one category, the work streams of one group in one stage... rdf:type
# stands for the class the item is written with (business and social cases are two lists).
ORDERED_LISTS = (
    OrderedList(NS.Resource, (NS.category,)),
    OrderedList(NS.WorkStream, (NS.stakeholderGroup, NS.stage)),
    OrderedList(NS.Recommendation, (NS.stakeholderGroup, NS.actionArea)),
    OrderedList(NS.ValueProposition, (NS.stakeholderGroup, RDF.type)),
    OrderedList(NS.TermSense, (NS.senseOf,)),
    OrderedList(NS.InteroperabilityPrinciple, (NS.principleOf,)),
    OrderedList(NS.Advantage, (NS.advantageOf,)),
    OrderedList(NS.ScenarioStep, (NS.stepOf,)),
    OrderedList(NS.StakeholderGroup),
    OrderedList(NS.LifecycleStage),
    OrderedList(NS.ActionArea),
    OrderedList(NS.ResourceCategory),
    OrderedList(NS.LERRole),
)

# The LER vocabulary's row of the one prefix table (its prefix and title).
OWN = next(v for v in VOCABULARIES if v.namespace == str(NS))

DEFAULT_QUERY = (
    "PREFIX ler: <https://w3id.org/ler/ns#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n\n"
    "SELECT ?group ?label WHERE {\n"
    "  ?group a ler:StakeholderGroup ; skos:prefLabel ?label ; ler:position ?position .\n"
    "} ORDER BY ?position\n"
)

PROFILE = Profile(
    site_title="LER Ecosystem Map",
    graph_title="LER graph",
    endpoint_title="LER Ecosystem Map SPARQL endpoint",
    vocabulary=Vocabulary(OWN.prefix, NS, OWN.name),
    shapes=Vocabulary(
        "lersh",
        Namespace("https://w3id.org/ler/shapes#"),
        "LER shapes",
        "https://w3id.org/ler/shapes",
    ),
    kinds=KINDS,
    relations=RELATIONS,
    facts=FACTS,
    catalogues=CATALOGUES,
    navigation=NAVIGATION,
    map=MAP,
    ordered_lists=ORDERED_LISTS,
    position=NS.position,
    quote=NS.text,
    attribution=NS.attribution,
    details=NS.detail,
    authors=NS.author,
    example_class=NS.StakeholderGroup,  # the map's groups
    example_type=NS.Topic,
    default_query=DEFAULT_QUERY,
    entity_templates={"stakeholder": "stakeholder.html"},
)
