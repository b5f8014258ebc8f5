"""deploy/ tests: the renderer, the manifests of every overlay, the image definition."""

import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent
# Importable whether or not shubbak-deploy is installed in the virtualenv (make deploy-check
# runs it from source the same way).
if str(DEPLOY / "src") not in sys.path:
    sys.path.insert(0, str(DEPLOY / "src"))
