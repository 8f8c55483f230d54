"""Class visualisation: what does the network think a banana looks like?

Optimise a picture, through a natural-image parametrisation (param.py) and random
transformations (transforms.py), so that one output of the network (a class logit) or one
channel grows. Without the prior this finds adversarial noise; with it, recognisable objects
(Olah, Mordvintsev & Schubert, "Feature Visualization", Distill 2017).
"""
import torch

from . import dream, param, transforms
from .errors import Cancelled

LEARNING_RATE = 0.05


def visualize(network, objective, size, steps, prior_strength=1.0, seed=0, start=None,
              progress=None, should_stop=None):
    """The [1, 3, H, W] picture (0..1) that maximises objective, from noise or from start."""
    height, width = size
    device = network.mean.device
    generator = torch.Generator().manual_seed(seed)
    params, render = param.image(height, width, prior_strength, start, generator, device)
    robust = transforms.robustness(min(height, width), generator)
    optimiser = torch.optim.Adam(params, lr=LEARNING_RATE)
    for step in range(steps):
        if should_stop is not None and should_stop():
            raise Cancelled()
        optimiser.zero_grad()
        seen = at_least(robust(render()), network.min_size)
        (-objective(network(network.normalise(seen)))).backward()
        optimiser.step()
        if progress is not None:
            progress(float(step + 1) / steps, "step %d of %d" % (step + 1, steps), None)
    with torch.no_grad():
        return render()


def at_least(image, minimum):
    """image enlarged, if needed, to the network's smallest side."""
    height, width = image.shape[-2:]
    if min(height, width) >= minimum:
        return image
    scale = float(minimum) / min(height, width)
    return dream.resize(image, (max(minimum, int(round(height * scale))),
                                max(minimum, int(round(width * scale)))))
