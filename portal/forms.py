"""Portal forms: parse and check what a shopkeeper typed; the services decide the rest."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bookings import errors
from hubs.models import WasteStream
from hubs.services import MAX_VOLUME_LITRES
from organisations.models import Organisation, Vehicle
from places import localtime
from places.fields import MAX_ID, DayField, ModelIdsField
from places.models import LoadingBay, Weekday

from .selectors import booking_horizon

DURATIONS = [
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1.5 hours")),
    (120, _("2 hours")),
]
DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")

# Where a refusal belongs on the form; the rest are shown above it.
ERROR_FIELDS = {
    errors.InThePast.code: "day",
    errors.TooFarAhead.code: "day",
    errors.TooLate.code: "day",
    errors.StayTooLong.code: "duration",
    errors.VehicleTooLong.code: "vehicle_length_m",
    errors.VehicleTooHeavy.code: "vehicle_mass_kg",
    errors.VehicleMassRequired.code: "vehicle_mass_kg",
    errors.VehicleBusy.code: "vehicle",
    errors.UnknownVehicle.code: "vehicle",
    errors.InvalidLocalTime.code: "start_time",
    errors.InvalidRequestWindow.code: "latest_end",
    errors.AfterCutoff.code: "day",
    errors.NoAcceptedBays.code: "bays",
}


def add_booking_error(form: forms.Form, exc: errors.BookingError) -> None:
    """Show a refusal next to the field it is about, or above the form."""
    name = ERROR_FIELDS.get(exc.code)
    form.add_error(name if name in form.fields else None, exc.message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class VehicleFields(forms.Form):
    """Own vehicle, or a supplier's vehicle described by its length and zero-emission."""

    vehicle = forms.ModelChoiceField(
        label=_("Vehicle"),
        queryset=Vehicle.objects.none(),
        required=False,
        empty_label=_("Another vehicle (give its length)"),
    )
    vehicle_length_m = forms.DecimalField(
        label=_("Vehicle length (m)"),
        min_value=Decimal("0.5"),
        max_value=Decimal("20"),
        max_digits=4,
        decimal_places=2,
        required=False,
        initial=Decimal("6"),
    )
    vehicle_mass_kg = forms.IntegerField(
        label=_("Vehicle maximum mass (kg)"),
        min_value=1,
        max_value=60000,
        required=False,
        help_text=_("For another vehicle: zones limit the mass of vehicles."),
    )
    zero_emission = forms.BooleanField(label=_("Zero-emission vehicle"), required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["vehicle"].queryset = Vehicle.objects.filter(
            organisation=organisation, is_active=True
        )

    def clean(self):
        data = super().clean()
        if not data.get("vehicle") and data.get("vehicle_length_m") is None:
            self.add_error("vehicle_length_m", _("Choose a vehicle or give its length."))
        return data

    def vehicle_kwargs(self) -> dict:
        data = self.cleaned_data
        if data.get("vehicle"):
            return {"vehicle": data["vehicle"]}
        return {
            "vehicle_length_m": data["vehicle_length_m"],
            "vehicle_mass_kg": data.get("vehicle_mass_kg"),
            "zero_emission": data["zero_emission"],
        }

    def length_and_clean(self) -> tuple[Decimal, bool]:
        data = self.cleaned_data
        if data.get("vehicle"):
            return data["vehicle"].length_m, data["vehicle"].zero_emission
        return data["vehicle_length_m"], data["zero_emission"]


class GridForm(VehicleFields):
    """Which day, vehicle and stay to show the grid for (read from the query string)."""

    day = DayField(label=_("Day"), widget=DateInput())
    duration = forms.TypedChoiceField(
        label=_("How long"), choices=DURATIONS, coerce=int, initial=30
    )
    wanted = forms.TimeField(
        label=_("Wanted time (optional)"),
        required=False,
        widget=TimeInput(),
        help_text=_("We suggest other bays and times when it is full."),
    )

    field_order = ["day", "vehicle", "vehicle_length_m", "vehicle_mass_kg", "zero_emission",
                   "duration", "wanted"]


class BookForm(GridForm):
    """The grid's own form: the chosen cell comes as slot=<bay id>@<minute of the day>."""

    slot = forms.RegexField(regex=r"^[0-9]{1,19}@[0-9]{1,4}$", widget=forms.HiddenInput,
                            error_messages={"invalid": _("This time is not on the grid. "
                                                         "Choose a time again.")})
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_slot(self):
        """A forged slot: a bay id no database holds, or a minute of five digits or more
        (which the grid never sends; a day has at most 1500 and BookView refuses the rest)."""
        slot = self.cleaned_data["slot"]
        if int(slot.split("@")[0]) > MAX_ID:
            raise forms.ValidationError(_("This time is not on the grid. Choose a time again."),
                                        code="invalid_slot")
        return slot

    def slot_parts(self) -> tuple[int, int]:
        bay, minute = self.cleaned_data["slot"].split("@")
        return int(bay), int(minute)


class WaitlistJoinForm(GridForm):
    """A full cell of the grid, sent to the waitlist: wait=wait:<bay id>@<minute of the day>."""

    wait = forms.RegexField(regex=r"^wait:[0-9]{1,19}@[0-9]{1,4}$", widget=forms.HiddenInput,
                            error_messages={"invalid": _("This time is not on the grid. "
                                                         "Choose a time again.")})
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_wait(self):
        wait = self.cleaned_data["wait"]
        if int(wait[len("wait:"):].split("@")[0]) > MAX_ID:
            raise forms.ValidationError(_("This time is not on the grid. Choose a time again."),
                                        code="invalid_slot")
        return wait

    def slot_parts(self) -> tuple[int, int]:
        bay, minute = self.cleaned_data["wait"][len("wait:"):].split("@")
        return int(bay), int(minute)


class RescheduleForm(forms.Form):
    day = DayField(label=_("Day"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    duration = forms.TypedChoiceField(label=_("How long"), choices=DURATIONS, coerce=int)
    bay = forms.ModelChoiceField(label=_("Loading bay"), queryset=LoadingBay.objects.none())

    def __init__(self, *args, bays, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bay"].queryset = LoadingBay.objects.filter(pk__in=[b.pk for b in bays])

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start_time"):
            try:
                data["start"] = localtime.make_local(data["day"], data["start_time"])
            except localtime.LocalTimeError as exc:
                self.add_error("start_time", exc.message)
        return data


class AcceptAlternativeForm(forms.Form):
    """One of the alternatives offered to an affected booking, as the page offered it."""

    bay = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    start = forms.CharField(max_length=40, widget=forms.HiddenInput)

    def clean_bay(self):
        bay = LoadingBay.objects.select_related("zone").filter(
            pk=self.cleaned_data["bay"]).first()
        if bay is None:
            raise forms.ValidationError(_("This alternative is not known."))
        return bay

    def clean_start(self):
        try:
            start = dt.datetime.fromisoformat(self.cleaned_data["start"])
        except ValueError:
            start = None
        if start is None or start.tzinfo is None:
            raise forms.ValidationError(_("This alternative is not known."))
        return start


class SeriesForm(VehicleFields):
    bay = forms.ModelChoiceField(label=_("Loading bay"), queryset=LoadingBay.objects.none())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Every"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    duration = forms.TypedChoiceField(
        label=_("How long"), choices=DURATIONS, coerce=int, initial=30
    )
    first_day = DayField(label=_("From"), widget=DateInput())
    until = DayField(label=_("Until"), widget=DateInput())
    token = forms.CharField(widget=forms.HiddenInput)

    field_order = [
        "bay",
        "weekdays",
        "start_time",
        "duration",
        "first_day",
        "until",
        "vehicle",
        "vehicle_length_m",
        "vehicle_mass_kg",
        "zero_emission",
    ]

    def __init__(self, *args, bays, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bay"].queryset = LoadingBay.objects.filter(pk__in=[b.pk for b in bays])
        self.horizon_days, self.last_day = booking_horizon(bays)
        self.fields["until"].help_text = _(
            "Dates until %(last)s are booked now; later dates are booked each night as they "
            "come inside the booking horizon.") % {"last": date_format(self.last_day, "l j F Y")}

    def clean(self):
        data = super().clean()
        first, until = data.get("first_day"), data.get("until")
        if first and until and until < first:
            self.add_error("until", _("The last date cannot be before the first."))
        return data


class SeriesChangeForm(forms.Form):
    """A series changed as a whole: its start time, length, bay and vehicle."""

    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    duration = forms.TypedChoiceField(label=_("How long"), choices=DURATIONS, coerce=int)
    bay = forms.ModelChoiceField(label=_("Loading bay"), queryset=LoadingBay.objects.none())
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=Vehicle.objects.none(),
                                     required=False, empty_label=_("Keep the vehicle"))

    def __init__(self, *args, organisation: Organisation, bays, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bay"].queryset = LoadingBay.objects.filter(pk__in=[b.pk for b in bays])
        self.fields["vehicle"].queryset = Vehicle.objects.filter(organisation=organisation,
                                                                 is_active=True)


class RequestForm(VehicleFields):
    day = DayField(label=_("Day"), widget=DateInput())
    earliest = forms.TimeField(label=_("Earliest start"), widget=TimeInput())
    latest_end = forms.TimeField(label=_("Latest end"), widget=TimeInput())
    duration = forms.TypedChoiceField(
        label=_("How long"), choices=DURATIONS, coerce=int, initial=30
    )
    bays = ModelIdsField(
        label=_("Bays you accept"),
        queryset=LoadingBay.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    token = forms.CharField(widget=forms.HiddenInput)

    field_order = [
        "day",
        "earliest",
        "latest_end",
        "duration",
        "bays",
        "vehicle",
        "vehicle_length_m",
        "vehicle_mass_kg",
        "zero_emission",
    ]

    def __init__(self, *args, bays, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bays"].queryset = LoadingBay.objects.filter(
            pk__in=[b.pk for b in bays]
        ).select_related("zone")

    def clean(self):
        data = super().clean()
        day = data.get("day")
        for name in ("earliest", "latest_end"):
            if day and data.get(name):
                try:
                    data[name + "_at"] = localtime.make_local(day, data[name])
                except localtime.LocalTimeError as exc:
                    self.add_error(name, exc.message)
        chosen = data.get("bays")
        if chosen and len({b.zone_id for b in chosen}) > 1:
            self.add_error("bays", _("Choose bays of one zone."))
        return data


class PickupForm(forms.Form):
    stream = forms.ChoiceField(label=_("Waste stream"), choices=WasteStream.choices)
    volume_litres = forms.IntegerField(label=_("Volume (litres)"), min_value=1,
                                       max_value=MAX_VOLUME_LITRES, initial=240)
    containers = forms.IntegerField(label=_("Containers"), min_value=1, max_value=50, initial=1)
    day = DayField(label=_("Day"), widget=DateInput())
    window_start = forms.TimeField(label=_("From"), widget=TimeInput(), initial=dt.time(7))
    window_end = forms.TimeField(label=_("Until"), widget=TimeInput(), initial=dt.time(11))
    recurrence_weekdays = forms.TypedMultipleChoiceField(
        label=_("Repeat every (optional)"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recurrence_until = DayField(label=_("Repeat until"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note for the collector"), max_length=200, required=False)
    token = forms.CharField(widget=forms.HiddenInput)

    ERROR_FIELDS = {
        "stream": "stream",
        "volume": "volume_litres",
        "window": "window_end",
        "in_the_past": "day",
        "until": "recurrence_until",
    }

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The pickup window must end after it starts."))
        if data.get("recurrence_weekdays") and not data.get("recurrence_until"):
            self.add_error("recurrence_until", _("Give the last date of the series."))
        return data


class ProfileForm(forms.ModelForm):
    """The shop's address (with its point on the map), contact, language and opening hours."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "street_address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "email",
            "phone",
            "preferred_language",
        ]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = expand_opening_hours(self.instance.opening_hours or {})
        for key, label in DAYS:
            self.fields[f"hours_{key}"] = forms.CharField(
                label=label,
                required=False,
                initial=hours.get(key, ""),
                help_text=_("For example 09:00-18:00; empty when closed."),
                widget=forms.TextInput(
                    attrs={"placeholder": "09:00-18:00", "inputmode": "numeric"}
                ),
            )
        self.fields["preferred_language"].choices = settings.LANGUAGES
        self.fields["latitude"].help_text = _("Click on the map to set your shop's point.")

    def clean(self):
        data = super().clean()
        for key, _label in DAYS:
            value = (data.get(f"hours_{key}") or "").replace(" ", "").replace("–", "-")
            if value and not HOURS.match(value):
                self.add_error(f"hours_{key}", _("Write the hours as 09:00-18:00."))
            data[f"hours_{key}"] = value
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both coordinates, or set the point on the map."))
        return data

    def save(self, commit=True):
        self.instance.opening_hours = {
            key: self.cleaned_data[f"hours_{key}"]
            for key, _label in DAYS
            if self.cleaned_data.get(f"hours_{key}")
        }
        return super().save(commit)


def expand_opening_hours(hours: dict) -> dict[str, str]:
    """{"mon-sat": "09:00-18:00"} as one entry per day, as the form shows them."""
    keys = [key for key, _label in DAYS]
    result = {}
    for span, value in hours.items():
        first, _sep, last = span.partition("-")
        if first in keys and (last or first) in keys:
            for key in keys[keys.index(first) : keys.index(last or first) + 1]:
                result[key] = value
    return result


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=50,
        help_text=_("For example the name of your till or web shop."),
    )


class CalendarRenewForm(forms.Form):
    """Renewing the calendar address breaks every subscription: it takes a deliberate tick."""

    confirm = forms.BooleanField(
        label=_("Yes, the old address stops working"),
        error_messages={"required": _("Tick the box to confirm that the old address stops "
                                      "working.")},
    )
