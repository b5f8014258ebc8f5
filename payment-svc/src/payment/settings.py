from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("PAYMENT_")

    service_name: str = "payment-svc"
    db_schema: str = "payment"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/payment"
    host: str = "127.0.0.1"
    port: int = 8005
