"""The public transparency page (/portal/transparency/): the log's public key, its signed
checkpoints, and inclusion/consistency proofs — enough for anyone to check a dossier's entries
against what the platform has published, and that the published log only ever grew."""

from django.urls import path

from sanxiang.records import public_views as views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="index"),
    path("public-key.pem", views.public_key, name="public_key"),
    path("checkpoints.json", views.checkpoint_list, name="checkpoints"),
    path("checkpoints/latest.txt", views.checkpoint_note, name="latest"),
    path("checkpoints/<int:number>.txt", views.checkpoint_note, name="checkpoint"),
    path("proof/inclusion/", views.inclusion, name="inclusion"),
    path("proof/consistency/", views.consistency, name="consistency"),
]
