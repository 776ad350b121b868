"""Benchmarks: `python -m bench.run` prints retrieval figures (nothing is asserted)."""
