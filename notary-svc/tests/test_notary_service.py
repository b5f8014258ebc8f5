from pathlib import Path

from kit.conformance import ServiceConformance
from notary.main import create_app
from notary.settings import Settings


class TestNotaryService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
