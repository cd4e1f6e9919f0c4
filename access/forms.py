from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.plates import normalise_plate


class EnforcementForm(forms.Form):
    plate = forms.CharField(
        label=_("Licence plate"), max_length=12,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off",
                                      "autocapitalize": "characters", "spellcheck": "false"}),
    )
    bay = forms.CharField(label=_("Bay code (optional)"), max_length=20, required=False,
                          widget=forms.TextInput(attrs={"autocapitalize": "characters"}))

    def clean_plate(self):
        plate = normalise_plate(self.cleaned_data["plate"])
        if not plate:
            raise forms.ValidationError(_("Give a licence plate."))
        return plate
