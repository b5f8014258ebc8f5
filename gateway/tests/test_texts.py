"""The gateway's texts are one table, registered when its app is built; like a kit service, it
refuses to start while a problem its code raises has no text (never a raw key for a citizen)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

MISSING = ("problem.idempotency_key_reused.title", "problem.idempotency_key_reused.detail")
BUILD = textwrap.dedent(
    """
    import sys
    from gateway import texts
    from gateway.main import create_app
    from gateway.settings import Settings
    from kit import i18n
    missing = {key: texts.TEXTS.pop(key) for key in sys.argv[1:]}
    try:
        create_app(Settings(events=False))
    except RuntimeError as refused:
        print("refused:", refused)
    texts.TEXTS.update(missing)
    create_app(Settings(events=False))
    print("built:", all(i18n.has(key) for key in texts.TEXTS))
    """
)


def test_the_gateway_starts_only_with_every_text_it_shows() -> None:
    # In a process of its own: texts are registered process-wide, and this one's are incomplete.
    run = subprocess.run(
        [sys.executable, "-c", BUILD, *MISSING], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    refused, built = run.stdout.split("\nbuilt: ")
    assert refused.startswith("refused: gateway lacks texts, so it does not start")
    assert "gateway/idempotency/service.py:" in refused  # where the code raises it
    assert all(key in refused for key in MISSING)
    assert built.strip() == "True"  # the whole table, registered once the app is built
