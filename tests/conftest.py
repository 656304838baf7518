"""Shared test set-up: hypothesis runs the same examples on every CI machine, and keeps exploring locally."""

import os

from hypothesis import HealthCheck, settings

# CI (CI=true, as .ci/run sets it) replays a fixed set of examples: a failure there is reproducible, and a
# pass never depends on which examples a random draw happened to pick. Local runs keep drawing new ones.
# A busy CI machine must not fail a test on hypothesis's own wall-clock health check either.
settings.register_profile("ci", derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
    settings.load_profile("ci")
