"""Where each pixel of a frame was in the frame before: optical flow, its trust, and warping.

The dream of an animation follows the motion (animate.py): the previous frame's dreamed detail is
carried along the flow into the next frame. The flow is OpenCV's DIS (Kroeger et al., "Fast
Optical Flow using Dense Inverse Search", ECCV 2016), in opencv-python-headless: no model
weights to download, a few milliseconds a frame on a CPU, and accurate enough for detail that is
dreamed over anyway (docs/animation.md says why it was chosen). Pixels the flow cannot vouch for
(occluded, disoccluded, or arriving from outside the picture) are found with the forward-backward
consistency check of Sundaram, Brox & Keutzer (ECCV 2010), as Ruder, Dosovitskiy & Brox do for
video style transfer (2016): carried there, detail would smear, so it is left out.

Arrays are numpy: pictures H x W x C float32, flows H x W x 2 float32 (x, y) in pixels.
"""
import cv2
import numpy as np

# The consistency check's tolerances (Sundaram et al.): |f + b|^2 <= A (|f|^2 + |b|^2) + B.
RELATIVE_TOLERANCE = 0.01
ABSOLUTE_TOLERANCE = 0.5


def gray8(rgb):
    """The 8-bit luma DIS works on, from an H x W x 3 float 0..1 picture."""
    luma = rgb[:, :, 0] * 0.2126 + rgb[:, :, 1] * 0.7152 + rgb[:, :, 2] * 0.0722
    return np.clip(luma * 255.0 + 0.5, 0, 255).astype(np.uint8)


def estimate(target, source):
    """The flow at target's pixels into source: target(p) ~ source(p + flow(p)); 8-bit grays."""
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    return dis.calc(target, source, None)


def warp(picture, flow):
    """picture (H x W x C) sampled at p + flow(p): what it looks like moved along the flow.

    Bicubic, so fine dreamed detail survives being carried frame after frame (a bilinear warp
    blurs it a little every time). Pixels from outside the picture are 0 (and untrusted by
    consistency()).
    """
    height, width = flow.shape[:2]
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    warped = cv2.remap(picture, xs + flow[:, :, 0], ys + flow[:, :, 1], cv2.INTER_CUBIC,
                       borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return warped.reshape(picture.shape)


def consistency(backward, forward):
    """H x W float32, 1 where backward (this frame into the last) is trusted, else 0.

    A pixel is trusted where following backward into the last frame and forward again comes back
    to it, and its source lies inside the last frame; occluded and disoccluded pixels fail.
    """
    height, width = backward.shape[:2]
    there = warp(forward, backward)  # forward flow at where each pixel came from
    error = np.sum((backward + there) ** 2, axis=2)
    scale = np.sum(backward ** 2, axis=2) + np.sum(there ** 2, axis=2)
    trusted = error <= RELATIVE_TOLERANCE * scale + ABSOLUTE_TOLERANCE
    xs = np.arange(width, dtype=np.float32)[None, :] + backward[:, :, 0]
    ys = np.arange(height, dtype=np.float32)[:, None] + backward[:, :, 1]
    inside = (xs >= 0) & (xs <= width - 1) & (ys >= 0) & (ys <= height - 1)
    return (trusted & inside).astype(np.float32)


def carry(detail, last_gray, this_gray):
    """The last frame's detail (H x W x C) moved to where its pixels are in this frame, zero
    where the flow is not trusted; grays are the two source frames' gray8."""
    backward = estimate(this_gray, last_gray)
    forward = estimate(last_gray, this_gray)
    return warp(detail, backward) * consistency(backward, forward)[:, :, None]
