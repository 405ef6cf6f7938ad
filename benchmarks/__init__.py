"""Benchmarks of bomgar_async (see README.md); run from the repository root."""
