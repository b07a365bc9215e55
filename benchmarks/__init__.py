"""Benchmarks for peerjournal (see run.py)."""
