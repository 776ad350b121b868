"""Answering as typed stages: understand → gates → retrieve → skills propose → select → decide → compose.

Each stage is a small module with a pure function over frozen records (types.py); run.py wires them
and records a Trace naming what every stage produced.
"""
