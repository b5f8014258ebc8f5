from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("CATALOG_")

    service_name: str = "catalog-svc"
    db_schema: str = "catalog"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/catalog"
    host: str = "127.0.0.1"
    port: int = 8002
