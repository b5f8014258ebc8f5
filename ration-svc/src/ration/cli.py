"""`ration <command>`: `import` loads a governorate file; without a command, serve the API."""

from __future__ import annotations

import sys


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "import":
        from ration.imports.cli import main as import_main

        return import_main(sys.argv[2:])
    import uvicorn

    from ration.settings import Settings

    settings = Settings()
    uvicorn.run("ration.main:create_app", factory=True, host=settings.host, port=settings.port, log_config=None)
    return 0
