"""`python -m catalog`: serve the API (with the outbox relay and consumers in-process)."""

import uvicorn

from catalog.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    uvicorn.run("catalog.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)
