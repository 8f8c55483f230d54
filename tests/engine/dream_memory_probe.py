"""Run alone, core/ and bench/ on PYTHONPATH, with a side: dreams a side x side picture with a
one-pooling "network" and prints how many copies of the picture the dream held at its peak,
above what the process held before."""
import sys

import torch

from inceptionism import dream, objectives
from measure import memory_status  # bench/measure.py


class OnePool(object):
    """A "network" so small and quick that the picture, not the network, fills the memory."""
    min_size = 15

    def normalise(self, pixels):
        return pixels

    def __call__(self, normalised):
        return {"pool": torch.nn.functional.avg_pool2d(normalised, 3)}


def main(side):
    network = OnePool()
    recipe = dream.Recipe(octaves=3, octave_scale=1.4, iterations=1, step_size=0.01, jitter=8,
                          tile_size=512)
    objective = objectives.layer_l2("pool")
    dream.deep_dream(torch.rand(1, 3, 64, 64), network, objective, recipe)  # code paged in
    picture = torch.rand(1, 3, side, side)
    before = memory_status("VmRSS")
    dream.deep_dream(picture, network, objective, recipe)
    peak = memory_status("VmHWM")
    print((peak - before) / float(picture.numel() * picture.element_size()))


if __name__ == "__main__":
    main(int(sys.argv[1]))
