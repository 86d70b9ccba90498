"""Settings of the processes that the system tests start (qcluster, gunicorn): the test settings with a
real queue. The test process itself keeps ``sync`` and switches it off per test (tests/system/conftest.py).

Short timings so that a test sees a redelivery or a takeover within seconds, in the same relation as in
production: a task may run ``timeout`` seconds, the ORM broker hands it out again ``retry`` seconds after it
was taken, and a notification claim is taken over after ``NOTIFICATION_SENDING_LEASE`` seconds."""

import os

from portal.settings.base import env_int
from portal.settings.test import *  # noqa: F403
from portal.settings.test import Q_CLUSTER

Q_CLUSTER = {**Q_CLUSTER, "sync": False, "workers": 2, "timeout": 5, "retry": 7, "max_attempts": 3, "poll": 0.1}
# django-q2's sentinel runs the scheduler once its guard loop has counted 30 s (a constant of the library); a
# 30 s cycle makes that the first turn of the loop, so the schedule test need not wait half a minute for it.
# Only that test sets it: the cycle is also how often a task's timeout is checked.
Q_CLUSTER["guard_cycle"] = float(os.environ.get("DJANGO_Q_GUARD_CYCLE", "0.5"))
SMS_BACKEND = "tests.system.gateway.FileGateway"
NOTIFICATION_SENDING_LEASE = env_int("DJANGO_NOTIFICATION_SENDING_LEASE", 3)
NOTIFICATION_MAX_ATTEMPTS = env_int("DJANGO_NOTIFICATION_MAX_ATTEMPTS", 3)
