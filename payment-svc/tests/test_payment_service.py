from pathlib import Path

from kit.conformance import ServiceConformance
from payment.main import create_app
from payment.settings import Settings


class TestPaymentService(ServiceConformance):
    create_app = staticmethod(create_app)
    settings_class = Settings
    service_dir = Path(__file__).parents[1]


def test_the_sandbox_is_never_served_in_production() -> None:
    def paths(environment: str) -> set[str]:
        app = create_app(Settings().model_copy(update={"environment": environment}))
        return set(app.openapi()["paths"])

    assert "/v1/payment-sandbox/{provider}/{reference}/approve" in paths("development")
    production = paths("production")
    assert "/v1/payments" in production
    assert not [path for path in production if path.startswith("/v1/payment-sandbox")]
