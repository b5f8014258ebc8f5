"""`python -m web`: serve the citizen portal and the staff console."""

import uvicorn

from web.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    uvicorn.run("web.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)
