"""Tests of functions and commands on plain values and files: no server, no HTTP."""
