from . import cp, oversight, records, scheduling

app_name = "meetings"

urlpatterns = (
    scheduling.urlpatterns
    + records.urlpatterns
    + oversight.urlpatterns
    + cp.urlpatterns
)

from . import alerts  # noqa: E402

urlpatterns += alerts.urlpatterns

from . import quality  # noqa: E402

urlpatterns += quality.urlpatterns
