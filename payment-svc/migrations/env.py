from kit.migrations import run_env
from payment.models import Base
from payment.settings import Settings

run_env(metadata=Base.metadata, default_url=Settings().database_url)
