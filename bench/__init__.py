"""Benchmarks: each prints JSON (see each file's docstring); harness.py holds what they share."""
