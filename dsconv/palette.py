"""Colours that carry meaning on more than one page, defined once.

The sign of a value is violet below zero, white at zero and orange above: neither end looks like a
colour channel (red, green or blue), so a student never reads a sign as a channel, and the pair stays
apart for the common colour-vision deficiencies (the purple-orange family of ColorBrewer's diverging
schemes). Both ends are light enough for black digits written on top.
"""

SIGNED = [[0.0, "#a78bfa"], [0.5, "#ffffff"], [1.0, "#fb923c"]]  # violet < 0 < orange
