app_name = "reg44"

urlpatterns = []
