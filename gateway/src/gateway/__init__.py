"""Shubbak's public gateway: one address for every service's API."""
