"""The README documents every setting, so operators never have to read the code to configure the service."""

from pathlib import Path

from service.config import ServiceSettings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_has_a_row_in_the_readme_configuration_table():
    readme = README.read_text()
    table = readme[readme.index("## Configuration") :]
    missing = [name for name in ServiceSettings.model_fields if f"`TRIASE_{name.upper()}`" not in table]
    assert not missing, f"settings without a README row: {missing}"


def test_every_setting_explains_itself():
    assert all(field.description for field in ServiceSettings.model_fields.values())
