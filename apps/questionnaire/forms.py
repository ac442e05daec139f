from __future__ import annotations

from django import forms


class StartAssessmentForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="Name the piece of work, e.g. “Equity research support for 2027”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    function = forms.ChoiceField(
        label="Knowledge function", help_text="The kind of work you are thinking of outsourcing."
    )

    def __init__(self, *args: object, functions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["function"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose…"), *functions]

    def clean_title(self) -> str:
        title = " ".join(str(self.cleaned_data["title"]).split())
        if not title:
            raise forms.ValidationError("Give the assessment a title.")
        return title
