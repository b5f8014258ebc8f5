from kit.migrations import run_env
from office_routing.models import Base, load_all
from office_routing.settings import Settings

load_all()
run_env(metadata=Base.metadata, default_url=Settings().database_url)
