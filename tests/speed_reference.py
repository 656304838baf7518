"""References for the Speed lab's steps: the inputs make_step draws, and tf.nn's output and gradients.

Shared by tests/test_speed.py (TensorFlow backend) and tests/test_backends.py (JAX backend).
"""

import numpy as np


def same_inputs(setup, kind, seed):
    """The random batch and upstream gradient make_step draws for this seed (inputs first, then upstream)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(setup.input_shape(), dtype=np.float32)
    out_channels = setup.in_channels if kind == "depthwise" else setup.out_channels
    upstream = rng.standard_normal((setup.batch, setup.height, setup.width, out_channels), dtype=np.float32)
    return x, upstream


def tf_reference(kind, weights, x, upstream):
    """The layer's output by tf.nn ops, and the gradients of <output, upstream> for the input and each weight."""
    import tensorflow as tf

    x = tf.constant(x)
    weights = [tf.constant(np.asarray(w)) for w in weights]
    with tf.GradientTape() as tape:
        tape.watch([x] + weights)
        if kind == "standard":
            out = tf.nn.conv2d(x, weights[0], strides=1, padding="SAME") + weights[1]
        elif kind == "pointwise":
            out = tf.nn.conv2d(x, weights[0], strides=1, padding="VALID") + weights[1]
        elif kind == "separable":
            out = tf.nn.separable_conv2d(x, weights[0], weights[1], strides=[1, 1, 1, 1], padding="SAME") + weights[2]
        else:  # depthwise, then (depthwise_pointwise) a 1x1 convolution
            out = tf.nn.depthwise_conv2d(x, weights[0], strides=[1, 1, 1, 1], padding="SAME") + weights[1]
            if kind == "depthwise_pointwise":
                out = tf.nn.conv2d(out, weights[2], strides=1, padding="VALID") + weights[3]
    gradients = tape.gradient(out, [x] + weights, output_gradients=tf.constant(upstream))
    return out.numpy(), [g.numpy() for g in gradients]
