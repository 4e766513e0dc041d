"""The Celery application.

Tasks are autodiscovered from each app's tasks.py and routed to queues by app
(settings.CELERY_TASK_ROUTES). Without a broker, settings turn on eager mode so
the demo runs with no worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionapp.settings")

app = Celery("unionapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="unionapp.ping")
def ping() -> str:
    """A trivial task used to check that a worker is reachable."""
    return "pong"
