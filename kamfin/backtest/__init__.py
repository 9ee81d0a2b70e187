"""Walk-forward schedule and engine (``engine``), and the vectorbt simulation (``simulate``)."""
