from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("IDENTITY_")

    service_name: str = "identity-svc"
    db_schema: str = "identity"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/identity"
    host: str = "127.0.0.1"
    port: int = 8001
