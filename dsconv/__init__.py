"""dsconv: the engine behind the depthwise separable convolution explainer.

Importing this package is cheap: it pulls in no TensorFlow and no Streamlit. Modules that need
Keras (models, training, speed measurements) import it themselves, inside the functions that use it.
"""

from pathlib import Path

__version__ = "0.1.0"
ASSETS = Path(__file__).resolve().parent / "assets"  # shipped run records, weights and timings
