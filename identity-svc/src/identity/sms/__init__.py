"""SMS: the provider interface, failover, and the texts (in identity's table)."""
