"""Tests with real processes: lerld serve, Oxigraph server, Virtuoso, nginx, Apache,
Chromium, Node's jsonld and wrk, started on loopback ports. Marked `system`."""
