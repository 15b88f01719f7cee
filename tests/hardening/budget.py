"""The fuzzing budget: small and fixed-seed in CI, larger with KAIMING_FUZZ_EXAMPLES=N."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SCALE = max(1, int(os.environ.get("KAIMING_FUZZ_EXAMPLES", "1")))


def fuzz_settings(examples: int) -> settings:
    """Derandomized, no deadline, ``examples`` times the KAIMING_FUZZ_EXAMPLES scale."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
