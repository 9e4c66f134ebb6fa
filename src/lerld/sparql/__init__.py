"""The /sparql endpoint's machinery without HTTP: the read-only policy and named queries,
the service description, and the killable query workers."""
