"""Benchmarks: ratios against peers run in the same process, and scaling curves.

Each ``bench/<topic>.py`` module has ``main(args: list[str]) -> None`` which prints its table
and writes ``reports/bench/<topic>.md`` (and a ``.json`` of the raw figures).
``python -m bench`` runs them all; ``python -m bench <topic> [args]`` runs one.
"""
