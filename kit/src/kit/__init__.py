"""Shubbak's shared plumbing. A leaf library: it imports `contracts` and nothing of any service."""

__version__ = "0.1.0"
