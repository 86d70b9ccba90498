"""Demo data of this app, called by ``manage.py seed_demo`` after the core demo data.

``context`` holds the core objects: regions, departments (by code), enterprises (list), clerk,
supervisor, admin, handlers (by department code), members (ent-a, ent-b). Must be idempotent.
"""

import random


def seed(*, rng: random.Random, context: dict, stdout) -> None:
    return None
