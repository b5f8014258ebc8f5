from kit.migrations import run_env
from ration.models import Base
from ration.settings import Settings

run_env(metadata=Base.metadata, default_url=Settings().database_url)
