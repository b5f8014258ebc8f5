from pathlib import Path

from applications.main import create_app
from applications.settings import Settings
from kit.conformance import ServiceConformance


class TestApplicationsService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
