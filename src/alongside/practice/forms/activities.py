from django import forms


class ActivityForm(forms.Form):
    label = forms.CharField(max_length=100, label="Name", help_text="As PSWs will see it.")
    order = forms.IntegerField(min_value=0, max_value=999, initial=50, label="Position in the list")
    active = forms.BooleanField(
        required=False,
        initial=True,
        label="Offer it for new contacts",
        help_text="Untick to retire it: contacts that already have it keep it.",
    )
