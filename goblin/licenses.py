"""The licenses an uploader can choose (MediaGoblin's list); '' means all rights reserved."""

from __future__ import annotations

from typing import NamedTuple


class License(NamedTuple):
    abbreviation: str
    name: str
    uri: str


LICENSES = (
    License("All rights reserved", "No license specified", ""),
    License("CC BY 4.0", "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/"),
    License("CC BY-SA 4.0", "Creative Commons Attribution-ShareAlike 4.0 International",
            "https://creativecommons.org/licenses/by-sa/4.0/"),
    License("CC BY-ND 4.0", "Creative Commons Attribution-NoDerivatives 4.0 International",
            "https://creativecommons.org/licenses/by-nd/4.0/"),
    License("CC BY-NC 4.0", "Creative Commons Attribution-NonCommercial 4.0 International",
            "https://creativecommons.org/licenses/by-nc/4.0/"),
    License("CC BY-NC-SA 4.0",
            "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
            "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    License("CC BY-NC-ND 4.0",
            "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
            "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    License("CC BY 3.0", "Creative Commons Attribution Unported 3.0",
            "http://creativecommons.org/licenses/by/3.0/"),
    License("CC BY-SA 3.0", "Creative Commons Attribution-ShareAlike Unported 3.0",
            "http://creativecommons.org/licenses/by-sa/3.0/"),
    License("CC BY-ND 3.0", "Creative Commons Attribution-NoDerivatives Unported 3.0",
            "http://creativecommons.org/licenses/by-nd/3.0/"),
    License("CC BY-NC 3.0", "Creative Commons Attribution-NonCommercial Unported 3.0",
            "http://creativecommons.org/licenses/by-nc/3.0/"),
    License("CC BY-NC-SA 3.0",
            "Creative Commons Attribution-NonCommercial-ShareAlike Unported 3.0",
            "http://creativecommons.org/licenses/by-nc-sa/3.0/"),
    License("CC BY-NC-ND 3.0",
            "Creative Commons Attribution-NonCommercial-NoDerivatives Unported 3.0",
            "http://creativecommons.org/licenses/by-nc-nd/3.0/"),
    License("CC0 1.0", "Creative Commons CC0 1.0 Universal",
            "http://creativecommons.org/publicdomain/zero/1.0/"),
    License("Public Domain", "Public Domain", "http://creativecommons.org/publicdomain/mark/1.0/"),
)  # fmt: skip

BY_URI = {license.uri: license for license in LICENSES}


def license_choices() -> list:
    """Choices for a WTForms SelectField (value: the URI, label: the abbreviation)."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(license.uri, license.abbreviation) for license in LICENSES]


def get_license(uri: str | None) -> License:
    return BY_URI.get(uri or "", LICENSES[0])
