"""lerld: the Linked Data platform for the Learning & Employment Records (LER) ecosystem.

Data flows one way: files (ontology/, shapes/, data/) -> sources (parse) ->
validation -> store -> representations -> HTTP / CLI.
"""

__version__ = "1.0.0"
