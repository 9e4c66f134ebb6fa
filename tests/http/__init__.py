"""Tests through the WSGI application in process (Flask's test client), and the same
requests against a live `lerld serve` where a test is parametrized over both."""
