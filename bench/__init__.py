"""Benchmarks for datalinker: `python -m bench --help`."""
