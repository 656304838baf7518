"""Predict, then reveal: generated questions about layer costs, checked answers, and the mistakes behind wrong ones.

Question types (`questions`), the known misconceptions (`answers`) and the questions themselves (`generate`).
"""

from __future__ import annotations

from dsconv.quiz.answers import MISCONCEPTIONS, Misconception
from dsconv.quiz.generate import QuizSettings, Verdict, answer_text, check_answer, make_question, make_quiz
from dsconv.quiz.questions import TOPIC_LABELS, TOPICS, LayerSpec, Question

__all__ = ["answer_text", "check_answer", "LayerSpec", "make_question", "make_quiz", "Misconception",
           "MISCONCEPTIONS", "Question", "QuizSettings", "TOPIC_LABELS", "TOPICS", "Verdict"]
