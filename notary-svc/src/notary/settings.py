from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("NOTARY_")

    service_name: str = "notary-svc"
    db_schema: str = "notary"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/notary"
    host: str = "127.0.0.1"
    port: int = 8003
