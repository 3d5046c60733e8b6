"""Unit-test settings: property tests draw few examples by default, so the unit suite stays
fast on a small machine; ``HYPOTHESIS_PROFILE=deep`` draws many more, for a thorough run."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile("deep", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
