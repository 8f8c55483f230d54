"""A faster input gradient for a network's first convolution: through space-to-depth.

A dream climbs the gradient with respect to the picture, so every step runs the first
convolution backwards to the picture's 3 channels. GoogLeNet's and ResNet's first convolution
(7x7, stride 2, 3 channels in) is the slowest per FLOP of the whole network there: oneDNN
vectorises over channels, and 3 channels at stride 2 leave most lanes idle (on AVX2 in float32,
47 ms of a 370 ms step at 768² for 2.8 of its 52 GFLOP; docs/performance.md has every CPU kind).

Regrouping the picture's 2x2 pixel blocks as channels (pixel_unshuffle) turns the same
convolution into one of stride 1 with an even kernel of half the side over 12 channels; its
input gradient is then an ordinary convolution with 16 outputs (a zero fourth colour fills the
vector lanes), and pixel_shuffle puts the pixels back. The forward pass stays the direct
convolution, which is already fast; only the gradient takes the regrouped path. The same
function to float32 rounding: tests/engine/test_space_to_depth.py compares both gradients.
"""
import torch
import torch.nn.functional as F

# Channels in: at most this many (the colours), so that the regrouped gradient has 16 outputs.
COLOURS = 4
# Kernels from this side: a 7x7 one's gradient (GoogLeNet's, ResNet's) is 1.7x faster regrouped,
# a 3x3 one's (Inception v3's) no faster.
MIN_KERNEL = 5


def applies_to(module):
    """Whether module is a frozen convolution whose input gradient this computes: stride 2 in
    both directions, a square kernel, few input channels, no dilation or groups."""
    return (isinstance(module, torch.nn.Conv2d) and module.in_channels <= COLOURS
            and module.stride == (2, 2) and module.dilation == (1, 1) and module.groups == 1
            and module.kernel_size[0] == module.kernel_size[1] >= MIN_KERNEL
            and isinstance(module.padding, tuple) and module.padding[0] == module.padding[1]
            and module.padding_mode == "zeros" and not module.weight.requires_grad)


class SpaceToDepthGradient(torch.nn.Module):
    """convolution, the same function, with its input gradient taken through space-to-depth."""

    def __init__(self, convolution):
        super().__init__()
        self.convolution = convolution
        kernel = convolution.kernel_size[0]
        self.padding = convolution.padding[0]
        self.half = (kernel + 1) // 2  # the regrouped kernel's side
        weight = convolution.weight.detach()
        even = F.pad(weight, (0, 2 * self.half - kernel, 0, 2 * self.half - kernel,
                              0, COLOURS - weight.shape[1]))
        outputs, colours = even.shape[:2]
        regrouped = even.reshape(outputs, colours, self.half, 2, self.half, 2)
        regrouped = regrouped.permute(0, 1, 3, 5, 2, 4).reshape(outputs, 4 * colours,
                                                                 self.half, self.half)
        # the transposed convolution as a plain one: kernel flipped, inputs and outputs swapped
        self.register_buffer("backward_weight", regrouped.flip(2, 3).transpose(0, 1).contiguous(
            memory_format=torch.channels_last))

    def forward(self, pixels):
        return _Convolution.apply(pixels, self)


class _Convolution(torch.autograd.Function):
    @staticmethod
    def forward(context, pixels, module):
        context.module, context.size, context.dtype = module, pixels.shape, pixels.dtype
        return module.convolution(pixels)

    @staticmethod
    def backward(context, grad):
        return input_gradient(grad, context.module, context.size).to(context.dtype), None


def input_gradient(grad, module, size):
    """d/d pixels of [N, C, height, width] from grad, d/d the convolution's output, computed
    in grad's precision (bfloat16 under autocast: there too it is 2.5x faster regrouped)."""
    height, width = size[-2:]
    grad = grad.contiguous(memory_format=torch.channels_last)
    regrouped = F.conv2d(grad, module.backward_weight.to(grad.dtype), padding=module.half - 1)
    padded = F.pixel_shuffle(regrouped, 2)  # the padded picture's gradient, 4 colours
    top = left = module.padding  # negative padding crops; positive adds rows nothing reached
    bottom, right = height + top - padded.shape[-2], width + left - padded.shape[-1]
    return F.pad(padded[:, :size[1]], (-left, right, -top, bottom))


def regroup_first_convolutions(network):
    """network with each convolution that applies_to wrapped, in place; returns network."""
    for name, module in list(network.named_modules()):
        if applies_to(module):
            parent, _, child = name.rpartition(".")
            setattr(network.get_submodule(parent) if parent else network, child,
                    SpaceToDepthGradient(module))
    return network
