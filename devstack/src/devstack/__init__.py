"""Real PostgreSQL and NATS JetStream for Shubbak development and tests, with nothing but pip."""

from devstack._process import DevstackError
from devstack.nats import NatsProcess
from devstack.ports import free_port
from devstack.postgres import PostgresProcess

__all__ = ["DevstackError", "NatsProcess", "PostgresProcess", "free_port"]
__version__ = "0.1.0"
