from pathlib import Path

from evidence.main import create_app
from evidence.settings import Settings
from kit.conformance import ServiceConformance


class TestEvidenceService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
