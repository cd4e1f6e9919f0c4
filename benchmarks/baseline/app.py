"""The minimal app's two endpoints (its URLconf too)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .models import Bay, Stay

LOCAL = ZoneInfo("Europe/Amsterdam")


class StaySerializer(serializers.Serializer):
    bay = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


@api_view(["POST"])
def book(request):
    """Lock the bay, count the stays that overlap, insert if there is room."""
    serializer = StaySerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    stay = serializer.validated_data
    with transaction.atomic():
        bay = Bay.objects.select_for_update().get(pk=stay["bay"])
        overlapping = Stay.objects.filter(bay=bay, start__lt=stay["end"],
                                          end__gt=stay["start"]).count()
        if overlapping >= bay.max_vehicles:
            return Response({"detail": "The bay is full."}, status=409)
        booked = Stay.objects.create(bay=bay, start=stay["start"], end=stay["end"])
    return Response({"reference": str(booked.pk)}, status=201)


@api_view(["GET"])
def free_starts(request):
    """Starts every 5 minutes from 07:00 to 19:00 where fewer stays than the bay holds
    overlap a stay of the given length."""
    bay = Bay.objects.get(pk=int(request.query_params["bay"]))
    day = dt.date.fromisoformat(request.query_params["date"])
    length = dt.timedelta(minutes=int(request.query_params["duration_minutes"]))
    opens = dt.datetime.combine(day, dt.time(7), tzinfo=LOCAL)
    closes = dt.datetime.combine(day, dt.time(19), tzinfo=LOCAL)
    stays = list(Stay.objects.filter(bay=bay, start__lt=closes, end__gt=opens)
                 .values_list("start", "end"))
    starts = []
    start = opens
    while start + length <= closes:
        end = start + length
        if sum(1 for s, e in stays if s < end and e > start) < bay.max_vehicles:
            starts.append(start.isoformat())
        start += dt.timedelta(minutes=5)
    return Response({"bay": bay.pk, "date": day.isoformat(), "starts": starts})


urlpatterns = [path("book/", book), path("free/", free_starts)]
