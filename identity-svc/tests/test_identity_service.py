from pathlib import Path

from identity.main import create_app
from identity.settings import Settings
from kit.conformance import ServiceConformance


class TestIdentityService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
