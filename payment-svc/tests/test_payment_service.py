from pathlib import Path

from kit.conformance import ServiceConformance
from payment.main import create_app
from payment.settings import Settings


class TestPaymentService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]
