from oversight.docs import readme_with_settings, settings_table
from oversight.settings import PROJECT_ROOT, Settings


def test_readme_lists_every_setting_as_the_settings_class_declares_it():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_settings(readme) == readme, "README settings table is stale: run `python -m oversight.docs`"
    for name in Settings.model_fields:
        assert f"`OVERSIGHT_{name.upper()}`" in settings_table()


def test_every_setting_is_described():
    assert all(field.description for field in Settings.model_fields.values())
