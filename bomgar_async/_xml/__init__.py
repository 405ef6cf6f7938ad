"""Namespace-agnostic XML reading and value conversion (private).

``core`` parses documents into nodes addressed by local names and turns ``<error>`` into
typed errors; ``values`` converts text to int/bool/datetime/timedelta; ``validate`` checks
arguments before a request is built; ``common`` holds the helpers the models share.
"""
