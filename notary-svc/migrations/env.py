from kit.migrations import run_env
from notary.models import Base
from notary.settings import Settings

run_env(metadata=Base.metadata, default_url=Settings().database_url)
