from gateway.event_keys.models import EventKey  # noqa: F401  (registers the table)
from gateway.events.models import ReceivedEvent  # noqa: F401
from gateway.idempotency.models import IdempotentRequest  # noqa: F401
from gateway.integrators.models import Integrator  # noqa: F401
from gateway.models import Base
from gateway.settings import Settings
from gateway.webhooks.models import Delivery  # noqa: F401
from kit.migrations import run_env

run_env(metadata=Base.metadata, default_url=Settings().database_url)
