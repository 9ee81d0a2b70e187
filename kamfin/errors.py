"""One exception hierarchy; every message says what is wrong and how to fix it.

The command line turns a ``KamfinError`` into exit code 2 and a single line on stderr.
"""
from __future__ import annotations


class KamfinError(Exception):
    """Base class of every error kamfin raises on purpose."""


class DataError(KamfinError):
    """Market data that cannot be used: missing, duplicated, unsorted, non-positive..."""


class ConfigError(KamfinError):
    """A configuration value or command-line flag that is not valid."""


class OptimizationError(KamfinError):
    """The optimizer could not produce weights (infeasible problem, solver failure)."""
