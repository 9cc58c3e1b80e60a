from django import forms

from .models import Document


class DocumentForm(forms.ModelForm):
    """Every field validated by the form: length limits from the model, no NUL characters (Django's
    default), and a title that is not just whitespace."""

    class Meta:
        model = Document
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
