"""The settings profiles: `profile` picks one from the environment (what manage.py, wsgi.py and
celery.py use), `local`, `production` and `test` are the profiles themselves."""
