"""The project's Celery app as the worker-kill tests' workers load it (`celery -A tests.security.worker_app`).

One difference: the broker looks for a dead worker's unacknowledged tasks every second.
kombu's Redis transport sweeps every `unacked_restore_interval` (10 s) × `unacked_restore_throttle`
(10) = 100 s by default, so with the tests' 3-second visibility timeout the redelivery
they wait for would still take over a minute and a half. Production keeps the defaults.
"""

from unionapp.celery import app

app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
