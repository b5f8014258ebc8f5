from kit.migrations import run_env
from web.models import Base
from web.settings import Settings

run_env(metadata=Base.metadata, default_url=Settings().database_url)
