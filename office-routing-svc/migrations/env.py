from kit.migrations import run_env
from office_routing.models import Base
from office_routing.settings import Settings

run_env(metadata=Base.metadata, default_url=Settings().database_url)
