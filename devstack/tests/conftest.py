"""devstack's own tests. The fixtures come from devstack.pytest_plugin (pytest11 entry point)."""

pytest_plugins = ["pytester"]
