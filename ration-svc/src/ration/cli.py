"""`ration <command>`: `import` loads a governorate file; without a command, serve the API."""

from __future__ import annotations

import sys


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "import":
        from ration.imports.cli import main as import_main

        return import_main(sys.argv[2:])
    from kit.serve import serve
    from ration.settings import Settings

    settings = Settings()
    serve("ration.main:create_app", host=settings.host, port=settings.port)
    return 0
