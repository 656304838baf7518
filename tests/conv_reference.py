"""A brute-force NumPy convolution that counts its own multiplications: the tests' independent reference.

It walks every output position, multiplies the window it reads by the kernel, and adds up how many
products it formed. Nothing here calls dsconv; its outputs are themselves checked against Keras.
"""

from __future__ import annotations

import numpy as np


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def pad_like_tensorflow(image, kernel, strides, padding, dilation):
    """Zero-pad an H x W x C image as TF does for "same" (the odd pixel goes bottom/right); "valid" unchanged."""
    (kh, kw), (sh, sw), (dh, dw) = _pair(kernel), _pair(strides), _pair(dilation)
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    height, width = image.shape[:2]
    if padding == "valid":
        out_h = (height - span_h) // sh + 1
        out_w = (width - span_w) // sw + 1
        return image, out_h, out_w
    out_h, out_w = -(-height // sh), -(-width // sw)
    pad_h = max((out_h - 1) * sh + span_h - height, 0)
    pad_w = max((out_w - 1) * sw + span_w - width, 0)
    padded = np.pad(image, ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)))
    return padded, out_h, out_w


def _windows(image, kernel, strides, padding, dilation):
    (kh, kw), (sh, sw), (dh, dw) = _pair(kernel), _pair(strides), _pair(dilation)
    padded, out_h, out_w = pad_like_tensorflow(image, kernel, strides, padding, dilation)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * sh, j * sw
            yield i, j, padded[top: top + dh * (kh - 1) + 1: dh, left: left + dw * (kw - 1) + 1: dw, :]
    return out_h, out_w


def conv2d(image, kernel, bias, strides=1, padding="valid", dilation=1, groups=1):
    """Grouped 2-D convolution of H x W x C with a kh x kw x C/g x N kernel; returns (output, multiplications)."""
    kh, kw, group_in, out_channels = kernel.shape
    group_out = out_channels // groups
    _, out_h, out_w = pad_like_tensorflow(image, (kh, kw), strides, padding, dilation)
    output = np.zeros((out_h, out_w, out_channels))
    multiplications = 0
    for i, j, window in _windows(image, (kh, kw), strides, padding, dilation):
        for group in range(groups):
            part = window[:, :, group * group_in:(group + 1) * group_in]
            weights = kernel[:, :, :, group * group_out:(group + 1) * group_out]
            products = part[:, :, :, None] * weights
            multiplications += products.size
            output[i, j, group * group_out:(group + 1) * group_out] = products.sum(axis=(0, 1, 2))
    if bias is not None:
        output += bias
    return output, multiplications


def depthwise_conv2d(image, kernel, bias, strides=1, padding="valid", dilation=1):
    """Depthwise convolution with a kh x kw x C x m kernel; output channel c*m + j; returns (output, multiplications)."""
    kh, kw, channels, multiplier = kernel.shape
    _, out_h, out_w = pad_like_tensorflow(image, (kh, kw), strides, padding, dilation)
    output = np.zeros((out_h, out_w, channels * multiplier))
    multiplications = 0
    for i, j, window in _windows(image, (kh, kw), strides, padding, dilation):
        products = window[:, :, :, None] * kernel
        multiplications += products.size
        output[i, j] = products.sum(axis=(0, 1)).reshape(-1)
    if bias is not None:
        output += bias
    return output, multiplications
