"""What a quiz question is: its topics, the layer(s) it asks about, and the answer it expects.

The types every other quiz module shares: `dsconv.quiz.answers` (the known mistakes) reads them, and
`dsconv.quiz.generate` (the questions and their checking) makes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Union

from dsconv import kinds
from dsconv.costs.arithmetic import LayerCost, layer_cost

TOPICS = ("params", "shape", "multiply_adds", "cheaper", "times_fewer", "bias_place")
TOPIC_LABELS = {
    "params": "How many parameters?",
    "shape": "Which output shape?",
    "multiply_adds": "How many multiply-adds?",
    "cheaper": "Which layer is cheaper?",
    "times_fewer": "How many times fewer?",
    "bias_place": "Where does the bias go?",
}
SEPARABLE_KINDS = tuple(kind for kind in kinds.SEPARABLE_KINDS if kind in kinds.LAYER_KINDS)  # one layer each
Answer = Union[int, float, str, tuple]


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a question, with Keras's defaults (bias on, depth_multiplier 1) on a square input."""

    kind: str  # standard | depthwise | pointwise | separable | depthwise_pointwise
    size: int  # input height = width
    in_channels: int
    out_channels: int  # equals in_channels for a depthwise layer
    kernel_size: int  # 1 for a pointwise layer
    strides: int = 1
    padding: str = "valid"

    def cost(self, use_bias: bool = True) -> LayerCost:
        """The layer's parameters, multiply-adds and output shape."""
        return layer_cost(self.kind, height=self.size, width=self.size, in_channels=self.in_channels,
                          out_channels=self.out_channels, kernel_size=self.kernel_size, strides=self.strides,
                          padding=self.padding, use_bias=use_bias)

    @property
    def input_text(self) -> str:
        """The input shape as a student reads it, e.g. 8×8×4."""
        return f"{self.size}×{self.size}×{self.in_channels}"

    def code(self) -> str:
        """The Keras call(s) for this layer, leaving out arguments at their defaults."""
        extra = (f", strides={self.strides}" if self.strides != 1 else "") + (
            ', padding="same"' if self.padding == "same" else "")
        n, k = self.out_channels, self.kernel_size
        return {
            "standard": f"Conv2D({n}, {k}{extra})",
            "depthwise": f"DepthwiseConv2D({k}{extra})",
            "pointwise": f"Conv2D({n}, 1{extra})",
            "separable": f"SeparableConv2D({n}, {k}{extra})",
            "depthwise_pointwise": f"DepthwiseConv2D({k}{extra}) then Conv2D({n}, 1)",
        }[self.kind]


@dataclass(frozen=True)
class Question:
    """One question: what is asked, about which layer(s), the right answer and its worked formula."""

    seed: int
    index: int  # 0-based position in the set
    topic: str
    prompt: str  # Markdown
    layers: tuple[LayerSpec, ...]  # one layer, or layers A and B
    metric: str  # "params" or "multiply_adds" for comparisons, else the topic's own quantity
    answer: Answer
    choices: tuple[tuple[str, str], ...] = ()  # (key, Markdown label) for choice questions
    formula: tuple[str, ...] = ()  # LaTeX lines of the worked answer with this question's numbers
    explanation: str = ""

    @property
    def key(self) -> str:
        """The same question has the same key in every question set that contains it, and two questions never share
        one: the position alone did not tell them apart (a set does not repeat its earlier questions, so question 8 of
        set 27 is another question when fewer kinds are ticked). The prompt names the layers and what is asked."""
        digest = hashlib.sha256(self.prompt.encode()).hexdigest()[:10]
        return f"{self.seed}_{self.index}_{self.topic}_{digest}"

    @property
    def answer_kind(self) -> str:
        """How the student answers: number, ratio, shape or choice."""
        return {"shape": "shape", "times_fewer": "ratio", "cheaper": "choice", "bias_place": "choice"}.get(
            self.topic, "number")
