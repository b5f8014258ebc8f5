from pathlib import Path

from kit.conformance import ServiceConformance
from office_routing.main import create_app
from office_routing.settings import Settings


class TestOfficeRoutingService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
