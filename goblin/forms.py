"""Forms for media: upload and edit (MediaGoblin's field names)."""

from __future__ import annotations

from wtforms import FileField, Form, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from goblin.licenses import license_choices

TAGS_HELP = "Separate tags by commas."
DESCRIPTION_HELP = "You can use Markdown for formatting."


class SubmitForm(Form):
    # Presence is checked by the view: cgi.FieldStorage cannot be tested for truth.
    file = FileField("File")
    title = StringField("Title", [Length(max=255)])
    description = TextAreaField(
        "Description of this work", [Length(max=20000)], description=DESCRIPTION_HELP
    )
    tags = StringField("Tags", [Length(max=1000)], description=TAGS_HELP)
    license = SelectField("License", choices=license_choices(), default="")


class EditForm(Form):
    title = StringField("Title", [DataRequired(message="A title is required."), Length(max=255)])
    slug = StringField(
        "Slug",
        [
            Optional(),
            Length(max=100),
            Regexp(r"^[a-z0-9-]+$", message="A slug is lower-case letters, digits and '-'."),
        ],
        description="The part of the address after /m/.",
    )
    description = TextAreaField(
        "Description of this work", [Length(max=20000)], description=DESCRIPTION_HELP
    )
    tags = StringField("Tags", [Length(max=1000)], description=TAGS_HELP)
    license = SelectField("License", choices=license_choices(), default="")
