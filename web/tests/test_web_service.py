from pathlib import Path

from kit.conformance import ServiceConformance
from web.main import create_app
from web.settings import Settings


class TestWebService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
