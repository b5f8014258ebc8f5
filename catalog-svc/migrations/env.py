from catalog.models import Base
from catalog.settings import Settings
from kit.migrations import run_env

run_env(metadata=Base.metadata, default_url=Settings().database_url)
