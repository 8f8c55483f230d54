"""EfficientNet-Lite (Tan & Le, "EfficientNet", 2019; TensorFlow's lite variants of 2020), built
from plain torch modules so that the engine's cut, batch-norm folding and channels_last apply.

The lite variants drop EfficientNet's squeeze-and-excitation, use ReLU6 for swish and keep the
stem and head unscaled. The weights were trained in TensorFlow with "SAME" padding: at stride 2 it
pads one more pixel after than before when the total is odd, and how much depends on the input's
size, so each convolution is preceded by a SamePad that works it out for the size it is given
(a fixed padding, as the PyTorch ports use, is right at 224 pixels only). The convolutions
themselves are plain nn.Conv2d with no padding, which torch.fx's folding recognises.
"""
import collections
import re

import torch
from torch import nn
from torch.nn import functional

# (repeats, kernel, stride, expansion, input channels, output channels) of each stage at width
# and depth 1.0: efficientnet_lite_builder.py's block strings r1_k3_s11_e1_i32_o16 and so on.
STAGES = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320))
# (width, depth) multipliers of each variant (efficientnet_lite_builder.py).
VARIANTS = {"lite0": (1.0, 1.0), "lite1": (1.0, 1.1), "lite2": (1.1, 1.2)}
STEM, HEAD = 32, 1280
BATCH_NORM_EPS = 1e-3


def same_padding(pixels, kernel, stride):
    """(before, after) padding that TensorFlow's "SAME" adds to one side of pixels."""
    out = -(-pixels // stride)
    total = max((out - 1) * stride + kernel - pixels, 0)
    return total // 2, total - total // 2


def same_pad(x, kernel, stride):
    """x padded with zeros as TensorFlow's "SAME" convolution pads it, for x's own size."""
    top, bottom = same_padding(x.shape[-2], kernel, stride)
    left, right = same_padding(x.shape[-1], kernel, stride)
    return functional.pad(x, (left, right, top, bottom))


torch.fx.wrap("same_pad")  # a traced network computes the padding for each size it is given


class SamePad(nn.Module):
    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x):
        return same_pad(x, self.kernel, self.stride)


def conv_bn(inputs, outputs, kernel=1, stride=1, groups=1, activation=True):
    """"SAME" convolution, batch norm and (unless a linear projection) ReLU6. At stride 1 an odd
    kernel's "SAME" padding is the same on both sides, which the convolution adds itself; only
    the stride-2 ones pad first (a padded copy was 15 % of a 768-pixel step when every
    convolution made one)."""
    if stride == 1:
        layers = [("conv", nn.Conv2d(inputs, outputs, kernel, padding=(kernel - 1) // 2,
                                     groups=groups, bias=False))]
    else:
        layers = [("pad", SamePad(kernel, stride)),
                  ("conv", nn.Conv2d(inputs, outputs, kernel, stride, groups=groups, bias=False))]
    layers.append(("bn", nn.BatchNorm2d(outputs, eps=BATCH_NORM_EPS)))
    if activation:
        layers.append(("act", nn.ReLU6()))
    return nn.Sequential(collections.OrderedDict(layers))


class MBConv(nn.Module):
    """Mobile inverted bottleneck: expand (1x1), depthwise (k x k), project linearly (1x1); the
    input added back where the shape allows."""

    def __init__(self, inputs, outputs, kernel, stride, expansion):
        super().__init__()
        hidden = inputs * expansion
        self.expand = conv_bn(inputs, hidden) if expansion != 1 else nn.Identity()
        self.depthwise = conv_bn(hidden, hidden, kernel, stride, groups=hidden)
        self.project = conv_bn(hidden, outputs, activation=False)
        self.residual = stride == 1 and inputs == outputs

    def forward(self, x):
        y = self.project(self.depthwise(self.expand(x)))
        return x + y if self.residual else y


def round_channels(channels, width):
    """TensorFlow's round_filters: channels times width, to a multiple of 8, never 10 % less."""
    scaled = channels * width
    rounded = max(8, int(scaled + 4) // 8 * 8)
    return int(rounded + 8 if rounded < 0.9 * scaled else rounded)


def stage_repeats(width_depth):
    """How many blocks each stage has: the first and last stage are never deepened (lite)."""
    depth = width_depth[1]
    return [r if i in (0, len(STAGES) - 1) else int(-(-r * depth // 1))
            for i, (r, *_) in enumerate(STAGES)]


class EfficientNetLite(nn.Module):
    """stem -> blocks.0 .. blocks.N-1 -> head -> pooled -> fc (1000 ImageNet logits)."""

    def __init__(self, variant="lite0", classes=1000):
        super().__init__()
        width = VARIANTS[variant][0]
        self.stem = conv_bn(3, STEM, 3, 2)  # N x 32 x H/2 x W/2
        blocks, inputs = [], STEM
        for (_, kernel, stride, expansion, _, outputs), repeats in zip(
                STAGES, stage_repeats(VARIANTS[variant])):
            outputs = round_channels(outputs, width)
            for index in range(repeats):
                blocks.append(MBConv(inputs, outputs, kernel, stride if index == 0 else 1,
                                     expansion))
                inputs = outputs
        self.blocks = nn.Sequential(*blocks)  # N x 320 (or 352) x H/32 x W/32
        self.head = conv_bn(inputs, HEAD)  # N x 1280 x H/32 x W/32
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(HEAD, classes)

    def forward(self, x):
        features = self.head(self.blocks(self.stem(x)))
        return self.fc(torch.flatten(self.pool(features), 1))


# The published files' keys (lukemelas' EfficientNet-PyTorch names) -> this module's.
_KEYS = ((r"^_conv_stem\.", "stem.conv."), (r"^_bn0\.", "stem.bn."),
         (r"^_conv_head\.", "head.conv."), (r"^_bn1\.", "head.bn."), (r"^_fc\.", "fc."),
         (r"^_blocks\.(\d+)\._expand_conv\.", r"blocks.\1.expand.conv."),
         (r"^_blocks\.(\d+)\._bn0\.", r"blocks.\1.expand.bn."),
         (r"^_blocks\.(\d+)\._depthwise_conv\.", r"blocks.\1.depthwise.conv."),
         (r"^_blocks\.(\d+)\._bn1\.", r"blocks.\1.depthwise.bn."),
         (r"^_blocks\.(\d+)\._project_conv\.", r"blocks.\1.project.conv."),
         (r"^_blocks\.(\d+)\._bn2\.", r"blocks.\1.project.bn."))


def renamed_state(state):
    """A published EfficientNet-Lite state dict with this module's names."""
    result = {}
    for key, value in state.items():
        for pattern, replacement in _KEYS:
            if re.match(pattern, key):
                key = re.sub(pattern, replacement, key)
                break
        result[key] = value
    return result
