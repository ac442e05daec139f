import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpo_advisor.settings")
application = get_asgi_application()
