"""The README documents every setting, so operators never have to read the code to configure the service."""

from pathlib import Path

from service.config import ServiceSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_has_a_row_in_the_readme_configuration_table():
    readme = README.read_text()
    table = readme[readme.index("## Configuration") :]
    missing = [name for name in ServiceSettings.model_fields if f"`TRIASE_{name.upper()}`" not in table]
    assert not missing, f"settings without a README row: {missing}"


def test_every_setting_explains_itself():
    assert all(field.description for field in ServiceSettings.model_fields.values())


def test_every_mapping_key_has_a_row_in_the_datasets_reference():
    from training.datasets import ColumnMapping

    page = (README.parent / "docs" / "datasets.md").read_text()
    missing = [key for key in ColumnMapping.model_fields if f"| `{key}` |" not in page]
    assert not missing, f"mapping keys without a row in docs/datasets.md: {missing}"
    assert "(docs/datasets.md)" in README.read_text()
