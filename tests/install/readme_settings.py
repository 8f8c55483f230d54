"""Writes README.md's settings and layers section from settings.SETTINGS and catalogue.LAYERS.

    python3 tests/install/readme_settings.py     rewrites the section between the markers

test_readme.py fails when the README and the tables disagree, so the README never drifts.
"""
import io
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "core"))
from inceptionism import catalogue, settings  # noqa: E402

README = os.path.join(ROOT, "README.md")
BEGIN = ("<!-- settings: written by tests/install/readme_settings.py "
         "from settings.py and catalogue.py -->")
END = "<!-- /settings -->"
MENU_NAMES = {"dream": "Dream", "visualize": "Visualize", "zoom": "Zoom dive"}


def section():
    """The generated Markdown, markers included."""
    lines = [BEGIN, "", "| Setting | What it does | Default | Range | In |",
             "|---|---|---|---|---|"]
    lines += [setting_row(setting) for setting in settings.SETTINGS]
    lines += ["", "*Advanced* settings sit under **Advanced settings** in the dialogs.", ""]
    for model in catalogue.model_names():
        lines += layer_table(model)
    return "\n".join(lines + [END])


# Settings the command line expresses otherwise than by an option of the same name.
CLI_SPELLING = {"start": "command line: a picture, or `--noise`"}


def setting_row(setting):
    advanced = " *Advanced*" if setting.advanced else ""
    cli = CLI_SPELLING.get(setting.name, "`--%s`" % setting.name)
    label = "**%s** (%s)%s" % (setting.label, cli, advanced)
    where = ", ".join(MENU_NAMES[p] for p in setting.procedures)
    return "| %s | %s | %s | %s | %s |" % (label, setting.help, default_text(setting),
                                           range_text(setting), where)


def default_text(setting):
    text = shown(setting.default)
    for procedure, overrides in sorted(settings.PROCEDURE_DEFAULTS.items()):
        if setting.name in overrides:
            text += " (%s: %s)" % (MENU_NAMES[procedure], shown(overrides[setting.name]))
    return text


def shown(value):
    if isinstance(value, bool):
        return "on" if value else "off"
    return "`%s`" % (value,)


def range_text(setting):
    if setting.name == "layer":
        return "see the layers below"
    if setting.kind == "choice":
        return ", ".join("`%s`" % nick for nick, _ in setting.choices)
    if setting.kind in ("int", "float"):
        return "%s to %s" % (setting.low, setting.high)
    return "on / off" if setting.kind == "bool" else "text"


def layer_table(model):
    title = catalogue.load_manifest()["models"][model]["title"]
    lines = ["**%s** (`--model %s`), lowest layer first:" % (title, model), "",
             "| Layer | What it paints |", "|---|---|"]
    for layer in catalogue.LAYERS[model]:
        mark = " (default)" if layer.name == catalogue.DEFAULT_LAYER[model] else ""
        lines.append("| `%s`%s | %s |" % (layer.name, mark, layer.look))
    return lines + [""]


def readme_text():
    with io.open(README, encoding="utf-8") as handle:
        return handle.read()


def rewritten(text):
    """text with its section replaced by a fresh one."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + section() + text[end:]


if __name__ == "__main__":
    fresh = rewritten(readme_text())
    with io.open(README, "w", encoding="utf-8") as handle:
        handle.write(fresh)
