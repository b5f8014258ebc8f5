"""`python -m notary`: serve the API (with the outbox relay and consumers in-process)."""

import uvicorn

from notary.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    uvicorn.run("notary.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)
