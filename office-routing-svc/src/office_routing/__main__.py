"""`python -m office_routing`: serve the API (with the outbox relay and consumers in-process)."""

from kit.serve import serve
from office_routing.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    serve("office_routing.main:create_app", host=settings.host, port=settings.port)
