"""Class visualisation as a person and a held-out network see it: recognised, colourful, contrasty?

Runs the engine's own visualize.visualize on five classes from noise with trained EfficientNet-Lite0
and prints, for each, the held-out judges' verdicts (Lite1's top-1 and its probability, the class's
rank for Lite1 and Lite2) and the picture's colourfulness and RMS contrast (picture_measures.py),
then the means. --before runs the settings of before issue 26 (spectrum gain 1/16, learning rate
0.05) for the before/after table of docs/class-visualisation.md; --gain and --lr try other values.

    python bench/class_visualisation.py [--before] [--size 512] [--steps 256] [--save DIR]
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "core"))
import numpy as np  # noqa: E402

from inceptionism import (catalogue, classes, models, objectives, param, settings,  # noqa: E402
                          visualize)
import picture_measures  # noqa: E402

CLASSES = ("banana", "goldfish", "tabby", "pizza", "volcano")
MODEL = "efficientnet_lite0"
BEFORE = {"gain": 1.0 / 16, "lr": 0.05}  # param.SPECTRUM_GAIN and visualize.LEARNING_RATE then


def lite0():
    """The engine's own trained EfficientNet-Lite0, cut at its class scores."""
    return models.Network(MODEL, models.build(MODEL), [catalogue.LOGITS])


def default(name):
    """The Visualize dialog's default for a setting."""
    return settings.defaults("visualize")[name]


def as_uint8(picture):
    return picture[0].permute(1, 2, 0).clamp(0, 1).mul(255).round().byte().numpy()


def visualise_all(network, size, steps, seed, save=None, names=CLASSES):
    """[(class name, 8-bit RGB picture, seconds)] for each class, each from noise at seed."""
    results = []
    for name in names:
        started = time.perf_counter()
        objective = objectives.class_logit(classes.find_class(name, MODEL))
        picture = visualize.visualize(network, objective,
                                      (size, size), steps, 1.0, seed)
        rgb = as_uint8(picture)
        results.append((name, rgb, time.perf_counter() - started))
        if save:
            from PIL import Image
            Image.fromarray(rgb).save(os.path.join(save, "%s.png" % name))
    return results


def table(results, judges):
    """The printed table's lines, and the means (recognised in top 5 of judges[0], colourfulness,
    contrast)."""
    lines = ["%-9s %-22s %5s %6s %6s %6s %6s %5s" % ("class", "Lite1 top-1", "p", "rank1",
                                                      "rank2", "colour", "contr", "s")]
    rows = []
    for name, rgb, seconds in results:
        index = classes.find_class(name, MODEL)
        (best, p), = picture_measures.top5(judges[0], rgb)[:1]
        ranks = [picture_measures.rank(judge, rgb, index) for judge in judges]
        row = (picture_measures.colourfulness(rgb), picture_measures.rms_contrast(rgb))
        rows.append((ranks[0] <= 5, ranks[1] <= 5) + row)
        lines.append("%-9s %-22s %5.2f %6d %6d %6.1f %6.1f %5.1f" % (
            name, classes.categories(MODEL)[best][:22], p, ranks[0], ranks[1], row[0], row[1],
            seconds))
    top_1, top_2, colour, contrast = (np.array(column) for column in zip(*rows))
    lines.append("top-5: Lite1 %d/%d, Lite2 %d/%d; mean colourfulness %.1f, mean contrast %.1f"
                 % (top_1.sum(), len(rows), top_2.sum(), len(rows), colour.mean(),
                    contrast.mean()))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="the settings before issue 26")
    parser.add_argument("--gain", type=float, help="param.SPECTRUM_GAIN")
    parser.add_argument("--lr", type=float, help="visualize.LEARNING_RATE")
    parser.add_argument("--size", type=int, default=default("width"))
    parser.add_argument("--steps", type=int, default=default("steps"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--classes", default=",".join(CLASSES), help="comma-separated")
    parser.add_argument("--save", help="a folder for the pictures (PNG)")
    args = parser.parse_args()
    if args.before:
        param.SPECTRUM_GAIN, visualize.LEARNING_RATE = BEFORE["gain"], BEFORE["lr"]
    if args.gain is not None:
        param.SPECTRUM_GAIN = args.gain
    if args.lr is not None:
        visualize.LEARNING_RATE = args.lr
    if args.save and not os.path.isdir(args.save):
        os.makedirs(args.save)
    print("gain %g, lr %g, %d px, %d steps, seed %d" % (param.SPECTRUM_GAIN,
                                                       visualize.LEARNING_RATE, args.size,
                                                       args.steps, args.seed))
    results = visualise_all(lite0(), args.size, args.steps, args.seed, args.save,
                            args.classes.split(","))
    print("\n".join(table(results, [picture_measures.judge("lite1"),
                                    picture_measures.judge("lite2")])))


if __name__ == "__main__":
    main()
