"""Counts of fuzz cases tried, printed in pytest's terminal summary."""

from collections import Counter

CASES: Counter[str] = Counter()
