from kit.migrations import run_env
from payment.models import Base, load_all
from payment.settings import Settings

load_all()
run_env(metadata=Base.metadata, default_url=Settings().database_url)
