from collections.abc import Iterator

import pytest

from contracts import registry


@pytest.fixture
def scratch_registry() -> Iterator[None]:
    """Throw-away event classes defined in a test leave the global registry untouched."""
    with registry.isolated():
        yield
