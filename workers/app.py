"""The Celery app: `celery -A workers.app worker` (or `newssieve worker`), `celery -A workers.app beat`."""

from newssieve.taskqueue import make_celery

app = make_celery("newssieve", include=["workers.tasks"])
app.conf.timezone = "UTC"
app.conf.beat_scheduler = "workers.beat:SitesScheduler"
