from . import cp, oversight, records, scheduling

app_name = "meetings"

urlpatterns = (
    scheduling.urlpatterns
    + records.urlpatterns
    + oversight.urlpatterns
    + cp.urlpatterns
)
