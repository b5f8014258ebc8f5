from kit.migrations import run_env
from ration.models import Base, load_all
from ration.settings import Settings

load_all()
run_env(metadata=Base.metadata, default_url=Settings().database_url)
