"""Writes README.md's generated sections: the looks (looks.py), the settings and the layers
(settings.SETTINGS, catalogue.NETWORKS).

    python3 tests/install/readme_settings.py     rewrites the sections between their markers

test_readme.py fails when the README and the tables disagree, so the README never drifts.
"""
import io
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "core"))
from inceptionism import catalogue, looks, settings  # noqa: E402

README = os.path.join(ROOT, "README.md")
BEGIN = ("<!-- settings: written by tests/install/readme_settings.py "
         "from settings.py and catalogue.py -->")
END = "<!-- /settings -->"
LOOKS_BEGIN = "<!-- looks: written by tests/install/readme_settings.py from looks.py -->"
LOOKS_END = "<!-- /looks -->"
MENU_NAMES = {"dream": "Dream", "visualize": "Visualize", "zoom": "Zoom dive",
              "animate": "Dream animation"}


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


def looks_section():
    """The named looks and what each word does, markers included."""
    lines = [LOOKS_BEGIN, "", "| Look (`--recipe`) | Network | Depth | Detail | Strength |",
             "|---|---|---|---|---|"]
    lines += ["| %s |" % " | ".join(row) for row in looks.look_table()]
    lines += ["", "| Word | Choices, and the engine settings each one sets |", "|---|---|"]
    for word, table in (("depth", looks.DEPTHS), ("detail", looks.DETAILS),
                        ("strength", looks.STRENGTHS), ("flicker", looks.FLICKERS)):
        choices = "; ".join("`%s` %s: %s" % (nick, label, engine_text(word, nick, row))
                            for nick, label, row in table)
        lines.append("| **%s** (`--%s`) | %s |" % (word.capitalize(), word, choices))
    return "\n".join(lines + ["", LOOKS_END])


def engine_text(word, nick, row):
    if word == "depth":
        return "layer `%s` (GoogLeNet), `%s` (EfficientNet-Lite0)" % tuple(
            looks.depth_layer(nick, model) for model in ("googlenet", "efficientnet_lite0"))
    return ", ".join("%s %s" % (name, value) for name, value in sorted(row.items()))


def setting_row(setting):
    advanced = ""
    if setting.advanced is True:
        advanced = " *Advanced*"
    elif setting.advanced:
        advanced = " *Advanced* in %s" % ", ".join(MENU_NAMES[p] for p in setting.advanced)
    cli = CLI_SPELLING.get(setting.name, "`--%s`" % setting.name)
    label = "**%s** (%s)%s" % (setting.label, cli, advanced)
    where = ", ".join(MENU_NAMES[p] for p in setting.procedures)
    if setting.name in settings.CLI_ONLY:
        where = "`inceptionism %s` only" % " and ".join(setting.procedures)
    return "| %s | %s | %s | %s | %s |" % (label, setting.help, default_text(setting),
                                           range_text(setting), where)


def default_text(setting):
    text = shown(setting.default)
    in_dialog = dict((s.name, s.default) for s in settings.for_dialog("dream"))
    if in_dialog.get(setting.name, setting.default) != setting.default:
        text += " (the dialog starts from %s)" % shown(in_dialog[setting.name])
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
    network = catalogue.network(model)
    lines = ["**%s** (`--model %s`), lowest layer first:" % (network.title, model), "",
             "| Layer | What it paints |", "|---|---|"]
    for layer in network.layers:
        mark = " (default)" if layer.name == network.default_layer else ""
        lines.append("| `%s`%s | %s |" % (layer.name, mark, layer.look))
    return lines + [""]


def readme_text():
    with io.open(README, encoding="utf-8") as handle:
        return handle.read()


def rewritten(text):
    """text with its generated sections replaced by fresh ones."""
    for begin, end, fresh in ((LOOKS_BEGIN, LOOKS_END, looks_section),
                              (BEGIN, END, section)):
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + fresh() + text[stop:]
    return text


if __name__ == "__main__":
    # The README describes a full install, as the tests see it (tests/conftest.py).
    catalogue.installed_networks = lambda weights_dir=None: set(catalogue.BY_NAME)
    fresh = rewritten(readme_text())
    with io.open(README, "w", encoding="utf-8") as handle:
        handle.write(fresh)
