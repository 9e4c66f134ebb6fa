"""The project's sources as a validated whole: reading the files, validation, the
published-IRI record, releases, and the snapshot that loads them into a store."""
