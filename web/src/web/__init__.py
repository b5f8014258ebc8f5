"""Shubbak web: the citizen portal and the staff console, server-rendered, a client of the gateway."""
