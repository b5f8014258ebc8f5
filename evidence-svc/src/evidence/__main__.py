"""`python -m evidence`: serve the API, with the outbox relay and consumers."""

import uvicorn

from evidence.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    uvicorn.run("evidence.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)
