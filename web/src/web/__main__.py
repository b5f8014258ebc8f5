"""`python -m web`: serve the citizen portal and the staff console."""

from kit.serve import serve
from web.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    serve("web.main:create_app", host=settings.host, port=settings.port)
