from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards and statistics")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from dashboards import watch

        # Every database connection, in the web process, the workers and commands alike.
        connection_created.connect(watch.install, dispatch_uid="dashboards.watch")
        for connection in connections.all(initialized_only=True):
            watch.install(sender=None, connection=connection)
