"""The editor's guide and `lerld new`: what to write for each kind of entity, generated from
the SHACL shapes and the ontology (never written twice), with a minimal example that
validates, built from what the data holds (an existing organization to link to, the file
each kind lives in, the next free position in a list).

Everything is read from a store loaded with the sources (`load_into`): the shapes and the
ontology from their named graphs, the facts about the data by SPARQL. So the guide of the
site (/editing), the docs page (`lerld guide`) and the skeletons of `lerld new` are one
implementation over any store.
"""

from lerld.publish.editing.guide import guide
from lerld.publish.editing.markdown import to_markdown, write_docs
from lerld.publish.editing.model import Guide
from lerld.publish.editing.new import new_entity

__all__ = [
    "Guide",
    "guide",
    "new_entity",
    "to_markdown",
    "write_docs",
]
