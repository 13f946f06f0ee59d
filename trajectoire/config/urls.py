from django.contrib import admin
from django.urls import include, path

from trajectoire.api.api import api

admin.site.site_header = "Trajectoire — administration technique"
admin.site.site_title = "Trajectoire"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("trajectoire.web.urls")),
]
