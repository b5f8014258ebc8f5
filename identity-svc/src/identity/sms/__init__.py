"""SMS: the provider interface, failover, and the texts (registered on import)."""

from identity.sms import texts as _texts  # noqa: F401
