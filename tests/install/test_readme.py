"""README.md explains every setting and layer exactly as the tables in the code declare them."""
import os
import re

import readme_settings
from install_helpers import ROOT


def test_settings_section_matches_the_tables():
    text = readme_settings.readme_text()
    assert readme_settings.rewritten(text) == text, \
        "README.md is out of date: run python3 tests/install/readme_settings.py"


def test_every_setting_and_layer_is_in_the_readme():
    text = readme_settings.readme_text()
    for setting in readme_settings.settings.SETTINGS:
        spelling = readme_settings.CLI_SPELLING.get(setting.name, "`--%s`" % setting.name)
        assert "**%s** (%s)" % (setting.label, spelling) in text
    for network in readme_settings.catalogue.NETWORKS:
        for layer in network.layers:
            assert "| `%s`" % layer.name in text


def test_the_readme_test_command_is_the_one_ci_runs():
    text = readme_settings.readme_text()
    command = re.search(r"^    (python3 tests/run\.py.*)$", text, re.M).group(1)
    with open(os.path.join(ROOT, ".ci", "run")) as handle:
        assert command in [line.strip() for line in handle]


def test_the_dialog_screenshot_exists():
    shown = re.findall(r"\]\((docs/images/([\w-]+)-dialog\.png)\)", readme_settings.readme_text())
    assert sorted(procedure for _, procedure in shown) == sorted(readme_settings.settings.PROCEDURES)
    for image, _ in shown:
        assert os.path.getsize(os.path.join(ROOT, image)) > 0


def test_the_menu_the_readme_names_is_the_one_the_plugins_register():
    from inceptionism import plugin_support
    menu = plugin_support.MENU_PATH.replace("<Image>/", "").replace("/", " > ")
    (line,) = [line for line in readme_settings.readme_text().splitlines() if menu in line]
    for _, label, _ in plugin_support.PROCEDURES.values():
        assert label.replace("_", "") in line


def test_the_pictures_stay_within_the_readmes_image_budget():
    """Each picture at most 200 kB and docs/images at most 3.3 MB (issue 26's budget: the
    real-weight pictures replaced the random ones, they did not add to them)."""
    folder = os.path.join(ROOT, "docs", "images")
    sizes = dict((name, os.path.getsize(os.path.join(folder, name))) for name in os.listdir(folder))
    assert max(sizes.values()) <= 200 * 1000, sizes
    assert sum(sizes.values()) <= 3.3 * 1000 * 1000
