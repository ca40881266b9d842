app_name = "lado"

urlpatterns = []
