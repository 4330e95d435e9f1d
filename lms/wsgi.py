import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# gunicorn --preload imports this in its master, then forks the workers: what
# is loaded so far is shared by them until written to. Freezing it keeps the
# cyclic garbage collector from touching (and so copying) those pages.
gc.freeze()
