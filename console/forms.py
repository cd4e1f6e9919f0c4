"""Console forms: input parsing only; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from places.fields import DayField
from places.models import Closure, LoadingBay, Weekday, Zone

from .scoping import Scope, scope_queryset
from .services import WindowSpec


class WindowForm(forms.Form):
    # A blank first choice: a preselected Monday would make every blank extra row "changed",
    # and so required, until it was ticked for removal.
    weekday = forms.TypedChoiceField(label=_("weekday"), choices=[("", "—"), *Weekday.choices],
                                     coerce=int)
    start = forms.TimeField(label=_("from"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("until"), widget=forms.TimeInput(attrs={"type": "time"}))
    zero_emission_only = forms.BooleanField(label=_("zero-emission only"), required=False)


# A week holds a handful of windows per day; without a bound, a forged w-TOTAL_FORMS
# makes Django build and show 2,000 forms.
MAX_WINDOWS = 50
WindowFormSet = forms.formset_factory(WindowForm, extra=3, can_delete=True, max_num=MAX_WINDOWS,
                                      absolute_max=MAX_WINDOWS, validate_max=True)


def window_specs(formset) -> list[WindowSpec]:
    return [
        WindowSpec(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"],
                   f.cleaned_data["zero_emission_only"])
        for f in formset.forms
        if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def window_initial(windows) -> list[dict]:
    return [{"weekday": w.weekday, "start": w.start, "end": w.end,
             "zero_emission_only": w.zero_emission_only} for w in windows]


class VersionForm(forms.Form):
    valid_from = DayField(label=_("in force from"),
                          widget=forms.DateInput(attrs={"type": "date"}),
                          help_text=_("The windows in force until then end the day before."))


class WeekdaysField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Weekday.choices, coerce=int, required=False,
                         widget=forms.CheckboxSelectMultiple, **kwargs)


class ClosureForm(forms.ModelForm):
    weekdays = WeekdaysField(label=_("on weekdays"), help_text=_("None ticked: every day."))

    class Meta:
        model = Closure
        fields = ["zone", "bay", "reason", "description", "start_date", "end_date",
                  "start_time", "end_time", "weekdays"]
        field_classes = {"start_date": DayField, "end_date": DayField}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = scope_queryset(Zone.objects.all(), scope)
        self.fields["bay"].queryset = scope_queryset(LoadingBay.objects.all(), scope)


class BayImportForm(forms.Form):
    file = forms.FileField(label=_("file"))
    file_format = forms.ChoiceField(
        label=_("format"), choices=[("csv", "CSV"), ("geojson", "GeoJSON")]
    )


class WhatIfForm(forms.Form):
    weeks = forms.IntegerField(label=_("weeks to replay"), min_value=1, max_value=26, initial=4)
    closure_zone = forms.BooleanField(label=_("close the whole zone"), required=False)
    closure_bay = forms.ModelChoiceField(LoadingBay.objects.none(), label=_("or close one bay"),
                                         required=False)
    closure_weekdays = WeekdaysField(label=_("closed on weekdays"))
    closure_start = forms.TimeField(label=_("closed from"), required=False,
                                    widget=forms.TimeInput(attrs={"type": "time"}))
    closure_end = forms.TimeField(label=_("closed until"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["closure_bay"].queryset = LoadingBay.objects.filter(zone=zone)

    def clean(self):
        data = super().clean()
        if (data.get("closure_start") is None) != (data.get("closure_end") is None):
            raise forms.ValidationError(_("Give both closing times, or neither for all day."))
        if data.get("closure_start") and data["closure_end"] <= data["closure_start"]:
            raise forms.ValidationError(_("A closure must end after it starts."))
        return data

    def proposed_closures(self, start_day: dt.date, end_day: dt.date) -> list[Closure]:
        data = self.cleaned_data
        if not data.get("closure_zone") and not data.get("closure_bay"):
            return []
        return [Closure(
            zone=self.zone if data.get("closure_zone") else None,
            bay=None if data.get("closure_zone") else data["closure_bay"],
            reason=Closure.Reason.OTHER, start_date=start_day, end_date=end_day,
            start_time=data.get("closure_start"), end_time=data.get("closure_end"),
            weekdays=data.get("closure_weekdays") or [],
        )]


class DashboardForm(forms.Form):
    start = DayField(label=_("from"), required=False,
                     widget=forms.DateInput(attrs={"type": "date"}))
    end = DayField(label=_("until"), required=False,
                   widget=forms.DateInput(attrs={"type": "date"}))
    zone = forms.ModelChoiceField(Zone.objects.none(), label=_("zone"), required=False)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
