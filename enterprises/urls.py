from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("verification/", views.verification, name="verification"),
    path("verification/<int:pk>/", views.verify, name="verify"),
    path("needs/", views.needs, name="needs"),
    path("needs/new/", views.need_edit, name="need_create"),
    path("needs/<int:pk>/", views.need_edit, name="need_edit"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/topics/<int:pk>/delete/", views.unsubscribe_topic, name="topic_delete"),
    path(
        "subscriptions/patents/<int:pk>/delete/",
        views.unsubscribe_patent,
        name="patent_subscription_delete",
    ),
    path("patents/<int:pk>/", views.patent, name="patent"),
    path("patents/<int:pk>/subscribe/", views.subscribe_patent, name="subscribe_patent"),
    path("patents/<int:pk>/intent/", views.declare_intent, name="declare_intent"),
    path("patents/<int:pk>/open-licence/", views.accept_open_licence, name="open_licence"),
    path("patents/<int:pk>/rating/", views.rate, name="rate"),
    path("intents/", views.intents, name="intents"),
    path("intents/<int:pk>/", views.intent_detail, name="intent_detail"),
    path(
        "intents/<int:pk>/<str:step>/",
        views.intent_step,
        name="intent_step",
    ),
    path("deals/", views.deals, name="deals"),
    path("ratings/", views.ratings, name="ratings"),
]
