"""A network's classes by name: "banana", "tabby", "pagoda" or a number 0-999.

Each network's record names the label list its logits index (catalogue.Network.classes).
ImageNet's is torchvision's own category list (read from its weights metadata: nothing is
downloaded). A name that is not exact is matched by substring, then by spelling.
"""
import difflib

from . import catalogue
from .errors import InceptionismError
from .models import tvm  # torchvision as models.py imports it (without torch._dynamo)

LABELS = {"imagenet": tvm.GoogLeNet_Weights.IMAGENET1K_V1.meta["categories"]}


def categories(model):
    """The class names model's logits stand for, in order."""
    return LABELS[catalogue.network(model).classes]


def find_class(query, model):
    """The class index for a name or number, or a bad-settings error suggesting close names."""
    labels = categories(model)
    text = str(query).strip().lower()
    if text.isdigit() and int(text) < len(labels):
        return int(text)
    names = [name.lower() for name in labels]
    if text in names:
        return names.index(text)
    for matches in ([i for i, name in enumerate(names) if text in name.split()],
                    [i for i, name in enumerate(names) if text and text in name]):
        if matches:
            return min(matches, key=lambda i: len(names[i]))
    close = difflib.get_close_matches(text, names, n=5, cutoff=0.75)
    if close:
        return names.index(close[0])
    suggestions = difflib.get_close_matches(text, names, n=5, cutoff=0.3)
    raise InceptionismError(
        "bad-settings", "%s has no class called %r.%s" % (
            catalogue.short_title(model), query,
            " Did you mean: %s?" % ", ".join(suggestions) if suggestions else
            " Try a number 0-%d or a word such as banana, tabby or castle." % (len(labels) - 1)))
