from applications.models import Base, load_all
from applications.settings import Settings
from kit.migrations import run_env

load_all()
run_env(metadata=Base.metadata, default_url=Settings().database_url)
