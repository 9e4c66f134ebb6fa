"""The words synthetic entities are made of: invented places, the words and forms of
organization, initiative, resource and glossary names, topics, verbs and objects of
sentences, speakers. Data only; nothing here is real."""

PLACES = [
    "Northfield",
    "Riverside",
    "Lakeshore",
    "Summit",
    "Harbor",
    "Prairie",
    "Valley",
    "Granite",
    "Cedar",
    "Maple",
    "Pinecrest",
    "Bayview",
    "Highland",
    "Meadow",
    "Westbrook",
    "Eastgate",
    "Fairview",
    "Oakridge",
    "Silverton",
    "Clearwater",
    "Redwood",
    "Bridgeport",
    "Ashford",
    "Brookline",
    "Stonebridge",
    "Kingsport",
    "Millbrook",
    "Greenfield",
    "Hillcrest",
    "Springdale",
    "Lakewood",
    "Fox-River",
    "Sandpoint",
    "Elmwood",
    "Crescent",
    "Ironwood",
    "Willow",
    "Creekside",
    "Mesa",
    "Coastal",
    "Mountain",
    "Heartland",
    "Gulf",
    "Atlantic",
    "Pacific",
    "Midwest",
    "Northern",
    "Southern",
    "Central",
]
ORG_WORDS = [
    "Skills",
    "Talent",
    "Workforce",
    "Credential",
    "Learning",
    "Career",
    "Pathways",
    "Education",
    "Apprenticeship",
    "Employment",
    "Digital",
    "Records",
    "Competency",
    "Opportunity",
    "Mobility",
    "Innovation",
    "Data",
    "Trust",
    "Future",
    "Access",
    "Equity",
    "Readiness",
    "Achievement",
    "Badge",
    "Wallet",
    "Verification",
    "Employer",
    "Community",
    "College",
    "Training",
    "Hiring",
    "Labor",
    "Economic",
    "Youth",
    "Adult",
    "Veterans",
    "Technology",
    "Standards",
    "Interoperability",
]
ORG_FORMS = (
    "{p} {w} Alliance",
    "{p} {w} Institute",
    "{p} {w} Foundation",
    "{p} {w} Council",
    "{p} Community College",
    "{p} {w} Partnership",
    "{p} {w} Network",
    "{w} {v} Collaborative",
    "{p} {w} Board",
    "{w} {v} Labs",
    "{p} University Center for {w} {v}",
    "{p} {w} Cooperative",
)
INITIATIVE_FORMS = (
    "{p} {w} Pilot",
    "{w} {v} Initiative",
    "{p} {w} Challenge",
    "{w} {v} Program",
    "{p} LER {w} Project",
    "{w} {v} Coalition",
    "State of {w} {v} Report",
    "{p} {w} Standards Working Group",
)
TOPIC_WORDS = """skills taxonomies, credential transparency, learner consent, verifiable presentations,
wallet portability, competency frameworks, prior learning assessment, skills inference,
records exchange, trust registries, employer signalling, transcript modernization, micro-credentials,
apprenticeship records, workforce data, credential quality, identity binding, selective disclosure,
revocation, data privacy, career navigation, hiring practices, talent marketplaces,
military credentials, adult learners, labor market information""".replace("\n", " ").split(", ")
TOPIC_QUALIFIERS = """in healthcare, in manufacturing, for rural communities, for veterans,
in K-12, in higher education, for small employers, in the public sector, across states,
for returning adults, in the trades, in technology sectors, for youth, in community colleges,
internationally, for people with disabilities, in logistics, in retail""".replace("\n", " ").split(
    ", "
)
RESOURCE_FORMS = (
    "{t}: a {p} case study",
    "A guide to {t} {q}",
    "{t} {q}: lessons from the field",
    "Field notes on {t} {q}",
    "Measuring {t} {q}",
    "{t}: a policy brief for {p}",
    "Design principles for {t} {q}",
    "The state of {t} {q}",
)
GLOSSARY_NOUNS = """record, credential, badge, wallet, issuer, verifier, registry, assertion,
endorsement, pathway, competency, achievement, transcript, profile, presentation, proof, key,
schema, alignment, framework, evidence, signal, consent, identifier""".replace("\n", " ").split(
    ", "
)
GLOSSARY_ADJECTIVES = """portable, verifiable, stackable, digital, machine-readable, signed,
interoperable, learner-held, employer-issued, skills-based, open, federated, revocable,
self-sovereign, linked, structured, competency-based, cross-border, trusted, public""".replace(
    "\n", " "
).split(", ")
VERBS = """align, document, verify, translate, recognize, share, publish, assess, map, connect,
fund, pilot, scale, measure, govern, adopt, integrate, certify, recruit, advise""".replace(
    "\n", " "
).split(", ")
OBJECTS = """skills data, learner records, hiring pipelines, credential catalogues,
wallet integrations, transcript exchange, apprenticeship outcomes, career pathways,
competency frameworks, employer demand signals, verification services, trust frameworks,
data-sharing agreements, pilot results, state policy, job descriptions""".replace("\n", " ").split(
    ", "
)
SENTENCES = (
    "It helps {a} {o} so that learners can carry what they know from one setting to the next.",
    "Its members {a} {o} and share what they learn with the wider LER ecosystem.",
    "The work focuses on how {a} {o} {q}.",
    "It brings together employers, educators and technology providers to {a} {o}.",
    "Early results suggest that it is easier to {a} {o} when records are verifiable.",
    "It publishes open guidance on how to {a} {o} {q}.",
)
SPEAKERS = """Avery Chen, Jordan Patel, Morgan Okafor, Riley Novak, Casey Alvarez, Taylor Kim,
Jamie Rossi, Quinn Mbeki, Drew Larsen, Rowan Haddad, Sasha Ivanova, Elliot Moreau""".replace(
    "\n", " "
).split(", ")
