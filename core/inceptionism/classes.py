"""ImageNet classes by name: "banana", "tabby", "pagoda" or a number 0-999.

The names are torchvision's own category list (read from its weights metadata: nothing is
downloaded). A name that is not exact is matched by substring, then by spelling.
"""
import difflib

from .errors import InceptionismError
from .models import tvm  # torchvision as models.py imports it (without torch._dynamo)

CATEGORIES = tvm.GoogLeNet_Weights.IMAGENET1K_V1.meta["categories"]


def find_class(query):
    """The class index for a name or number, or a bad-settings error suggesting close names."""
    text = str(query).strip().lower()
    if text.isdigit() and int(text) < len(CATEGORIES):
        return int(text)
    names = [name.lower() for name in CATEGORIES]
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
        "bad-settings", "No ImageNet class is called %r.%s" % (
            query, " Did you mean: %s?" % ", ".join(suggestions) if suggestions else
            " Try a number 0-999 or a word such as banana, tabby or castle."))
