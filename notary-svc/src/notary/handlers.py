"""Events notary-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers
from notary.documents.signing import DocumentSigner
from notary.poa import handlers as poa


def build(signer: DocumentSigner) -> Handlers:
    handlers = Handlers()
    poa.register(handlers, lambda: signer)
    return handlers
