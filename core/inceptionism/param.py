"""Image parametrisations: what the optimiser changes, and how that becomes an RGB image.

Each parametrisation returns (params, image_fn): a list of tensors to optimise and a function
that renders them as a [1, 3, H, W] image in 0..1. The natural-image prior the Inceptionism
article asks for comes from two of them (Olah et al., "Feature Visualization", 2017; lucent):
- colours are optimised in a decorrelated space, so a step moves luminance and colour apart;
- pixels are optimised as a 1/f-scaled Fourier spectrum, so neighbouring pixels stay alike.
"""
import torch

# Square root of ImageNet's colour correlation matrix (from lucid/lucent), normalised below.
_COLOR_CORRELATION_SVD_SQRT = torch.tensor([[0.26, 0.09, 0.02],
                                            [0.27, 0.00, -0.05],
                                            [0.27, -0.09, 0.03]])
_COLOR_CORRELATION = _COLOR_CORRELATION_SVD_SQRT / _COLOR_CORRELATION_SVD_SQRT.norm(dim=0).max()


def _decorrelated_to_rgb(t):
    """[1,3,H,W] in the decorrelated colour space -> [1,3,H,W] in (0, 1) via a sigmoid."""
    matrix = _COLOR_CORRELATION.to(t.device, t.dtype)
    return torch.sigmoid(torch.einsum("ij,bjhw->bihw", matrix, t))


def _rgb_to_decorrelated(rgb, eps=1e-3):
    """Inverse of _decorrelated_to_rgb, for starting from an existing picture."""
    logits = torch.logit(rgb.clamp(eps, 1 - eps))
    inverse = torch.linalg.inv(_COLOR_CORRELATION).to(rgb.device, rgb.dtype)
    return torch.einsum("ij,bjhw->bihw", inverse, logits)


# Decorrelated-colour units per spectrum unit: lucent's 1/4. Adam moves each coefficient by about
# LEARNING_RATE (visualize.py) a step whatever its gradient's scale, so the picture moves by about
# SPECTRUM_GAIN x LEARNING_RATE: the gain sets how far a visualisation gets from grey in its steps.
# Measured with trained EfficientNet-Lite0 on five classes at 224 px and 256 steps
# (docs/class-visualisation.md): 1/16 left pale grey fog (colourfulness 11, RMS contrast 16;
# photos 38-77 and 30-75), 1/4 gives vivid pictures (37 and 49) that held-out Lite1 and Lite2
# still recognise, each class in their top 5.
SPECTRUM_GAIN = 1.0 / 4


def _frequency_scale(height, width, decay_power, device):
    """1 / f**decay_power for each rfft2 coefficient (natural images' power falls off with
    frequency), times SPECTRUM_GAIN."""
    fy = torch.fft.fftfreq(height, device=device)[:, None]
    fx = torch.fft.rfftfreq(width, device=device)[None, :]
    frequency = torch.sqrt(fx * fx + fy * fy).clamp(min=1.0 / max(height, width))
    return SPECTRUM_GAIN / frequency ** decay_power


def fourier_image(height, width, decay_power=1.0, sd=0.01, start=None, generator=None,
                  device="cpu", batch=1):
    """A decorrelated, 1/f-scaled Fourier parametrisation, from noise or from `start` [1,3,H,W];
    from noise, batch pictures at once ([batch, 3, H, W])."""
    scale = _frequency_scale(height, width, decay_power, device)
    if start is None:
        spectrum = torch.randn((batch, 3, height, width // 2 + 1, 2),
                               generator=generator).to(device) * sd
    else:
        spectrum = torch.view_as_real(torch.fft.rfft2(_rgb_to_decorrelated(start), norm="ortho") / scale)
    spectrum = spectrum.clone().requires_grad_(True)

    def image_fn():
        decorrelated = torch.fft.irfft2(torch.view_as_complex(spectrum) * scale, s=(height, width),
                                        norm="ortho")
        return _decorrelated_to_rgb(decorrelated)

    return [spectrum], image_fn


def pixel_image(height, width, sd=0.1, start=None, generator=None, device="cpu"):
    """Plain pixels (through a sigmoid so they stay in range): the prior-free baseline."""
    if start is None:
        logits = torch.randn((1, 3, height, width), generator=generator).to(device) * sd
    else:
        logits = torch.logit(start.clamp(1e-3, 1 - 1e-3))
    logits = logits.clone().requires_grad_(True)
    return [logits], lambda: torch.sigmoid(logits)


def image(height, width, prior_strength=1.0, start=None, generator=None, device="cpu"):
    """The parametrisation for a prior strength: 0 is raw pixels, 1 the full natural-image prior."""
    if prior_strength <= 0:
        return pixel_image(height, width, start=start, generator=generator, device=device)
    return fourier_image(height, width, decay_power=prior_strength, start=start,
                         generator=generator, device=device)
