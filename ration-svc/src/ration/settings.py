from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("RATION_")

    service_name: str = "ration-svc"
    db_schema: str = "ration"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/ration"
    host: str = "127.0.0.1"
    port: int = 8004
