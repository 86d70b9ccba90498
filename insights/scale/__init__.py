"""``manage.py seed_scale`` (issue 13): data at volume for the benchmarks, written around the actions on
purpose (docs/performance.md). It lives in insights, the app that reads problems and applications together,
so the core (portal) imports no feature app."""
