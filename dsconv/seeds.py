"""How far apart two training runs of the same model can land: the one rule by which the Training arena and Real
networks call two single runs' accuracies "about the same". A module of its own so that a light page can read it
without importing the training package."""

import math

# Two accuracy points: the seed-to-seed spread of the tutorial's CIFAR-10 models is of that order, so a smaller
# difference between two single runs says nothing about the models.
NOISE_POINTS = 0.02
# Run records keep accuracies as float32 (0.531000018119812): two of them 200 images apart in 10,000 differ by
# 0.0200000405, which a relative tolerance calls more than 2 points. Within this much, a difference is its round value.
FLOAT32_SLACK = 1e-6


def about_the_same(difference: float, cut: float = NOISE_POINTS) -> bool:
    """Whether two single runs' accuracies (as fractions: 0.7582 - 0.7560) are within NOISE_POINTS of each other.
    A difference of NOISE_POINTS exactly is within, whichever way its float rounds: 0.74 - 0.76 is
    -0.020000000000000018, and read "2.0 points lower" where 0.7355 - 0.7555 read "about the same"."""
    return abs(difference) <= cut or math.isclose(abs(difference), cut, abs_tol=FLOAT32_SLACK)
