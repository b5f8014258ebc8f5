"""`python -m office_routing`: serve the API (with the outbox relay and consumers in-process)."""

import uvicorn

from office_routing.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    uvicorn.run("office_routing.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)
