from pathlib import Path

from catalog.main import create_app
from catalog.settings import Settings
from kit.conformance import ServiceConformance


class TestCatalogService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
