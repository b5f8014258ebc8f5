"""`python -m payment`: serve the API (with the outbox relay and consumers in-process)."""

from kit.serve import serve
from payment.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    serve("payment.main:create_app", host=settings.host, port=settings.port)
