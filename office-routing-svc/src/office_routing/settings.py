from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("OFFICE_ROUTING_")

    service_name: str = "office-routing-svc"
    db_schema: str = "office_routing"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/office_routing"
    host: str = "127.0.0.1"
    port: int = 8006
