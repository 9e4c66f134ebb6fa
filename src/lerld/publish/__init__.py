"""What is published, as plain values and view-models (no Flask): entity descriptions
(describe), the dataset as a whole (index, collection, sitemap, dumps, void, schemaorg),
representations in every RDF format, the vocabulary documentation, page models and the
editor's guide."""
