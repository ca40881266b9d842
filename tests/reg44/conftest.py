import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Rendered PDFs go to a temporary folder, not the project's media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
