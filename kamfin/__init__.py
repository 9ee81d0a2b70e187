"""kamfin: walk-forward portfolio backtests for KAM neural network forecasters.

Data flow (one direction only): prices -> point-in-time view -> forecasts / moments ->
optimizer -> weights table -> vectorbt simulation -> metrics and report.
"""
from __future__ import annotations

__version__ = "0.1.0"
