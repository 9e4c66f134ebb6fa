"""The bottom layer: errors, settings, IRIs and namespaces, the format table, JSON-LD.

Imports nothing else of lerld."""
