from evidence.models import Base
from evidence.settings import Settings
from kit.migrations import run_env

run_env(metadata=Base.metadata, default_url=Settings().database_url)
