"""The Celery app: `celery -A workers.app worker` (or `newssieve worker`), `celery -A workers.app beat`."""

from celery.signals import setup_logging

from newssieve.logs import configure
from newssieve.taskqueue import make_celery

app = make_celery("newssieve", include=["workers.tasks"])
app.conf.timezone = "UTC"
app.conf.beat_scheduler = "workers.beat:SitesScheduler"


@setup_logging.connect
def _configure_logging(loglevel=None, **_kwargs) -> None:
    """Our handler instead of Celery's: JSON lines off a terminal, with site/URL/task id."""
    configure(loglevel or "INFO")
