import os

# Without a display Qt aborts the whole process: set this before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")


# Hypothesis profiles (issue 18): "ci" is fixed and derandomised, so the fast run is the same every time; "slow"
# explores ten times more with fresh randomness. `-m slow` selects "slow", and KP_HYPOTHESIS_PROFILE overrides.
# Tests that state their own max_examples keep them.
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, database=None, print_blob=True)
# scripts/mutation.sh runs the property tests once per mutant: fewer examples, still fixed.
settings.register_profile("mutation", max_examples=60, derandomize=True, deadline=None, database=None)
settings.register_profile(
    "slow", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)


def pytest_configure(config: object) -> None:
    markexpr = str(getattr(getattr(config, "option", None), "markexpr", "") or "")
    wanted = "slow" if "slow" in markexpr and "not slow" not in markexpr else "ci"
    settings.load_profile(os.environ.get("KP_HYPOTHESIS_PROFILE", wanted))


from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _vietnamese_messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in the default language, whatever the machine's KP_LANG, and a test that switched to
    English (`--lang en`, the English window) leaves no English behind for the next one."""
    from vote_counter import i18n

    monkeypatch.delenv(i18n.ENV_LANG, raising=False)
    yield
    if i18n.current_language() != i18n.VIETNAMESE:
        i18n.use_language(i18n.VIETNAMESE)
