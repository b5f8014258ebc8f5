from pathlib import Path

from kit.conformance import ServiceConformance
from ration.main import create_app
from ration.settings import Settings


class TestRationService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
