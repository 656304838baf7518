"""Which page of the app a link's setting belongs to, read from the pages' own source.

A page's settings are the keys of its controls bound to the address (`**BOUND`, or `bind="query-params"`). The
widget calls are their one definition: the pages' source is read (not run) once per process, and only where an
address holds a key that no control of the running page drew.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import Mapping, Sequence

# Streamlit's own settings of the address (a page embedded in another site): never a page's, never taken out
STREAMLIT_KEYS = ("embed", "embed_options")
# What sites and mail add to a link shared through them (Facebook's fbclid, utm_source, ...): taken out without a
# word, which a class opening the teacher's posted link would otherwise read as a broken setting
TRACKING_KEYS = ("fbclid", "gclid", "dclid", "msclkid", "igshid", "yclid", "mc_cid", "mc_eid", "_ga", "_gl")
TRACKING_PREFIXES = ("utm_",)


def is_tracking(key: str) -> bool:
    """Whether `key` is one a site added to track the link, not a setting (TRACKING_KEYS)."""
    return key.lower() in TRACKING_KEYS or key.lower().startswith(TRACKING_PREFIXES)


def _is_bound(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == "BOUND":
            return True
        if keyword.arg == "bind" and isinstance(keyword.value, ast.Constant) and keyword.value.value == "query-params":
            return True
    return False


def _pattern(key: ast.expr, constants: Mapping[str, str]) -> str | None:
    """A bound control's key as a regular expression: its text, a module constant's text, one of a module constant
    tuple's texts (CHANNEL_KEYS[index]), or an f-string's text with any name for each of its holes; None for a key
    this reading cannot follow. (The Filters page's f"fil_{channel}" made every fil_ name a setting: "fil_kernal", a
    typo, was taken without a word and kept in the share link.)"""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return re.escape(key.value)
    if isinstance(key, ast.Name) and isinstance(constants.get(key.id), str):
        return re.escape(constants[key.id])
    if isinstance(key, ast.Subscript) and isinstance(key.value, ast.Name) and \
            isinstance(constants.get(key.value.id), tuple):
        return "(?:" + "|".join(re.escape(text) for text in constants[key.value.id]) + ")"
    if isinstance(key, ast.JoinedStr):
        parts = [re.escape(part.value) if isinstance(part, ast.Constant) else r"[A-Za-z0-9_]+" for part in key.values]
        return "".join(parts)
    return None


@cache
def settings_of(source: Path) -> tuple[str, ...]:
    """The keys (as regular expressions) of the controls that the file `source` binds to the address."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    constants: dict[str, str | tuple[str, ...]] = {
        target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets if isinstance(target, ast.Name)}
    constants.update({target.id: tuple(item.value for item in node.value.elts) for node in tree.body
                      if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and node.value.elts
                      and all(isinstance(item, ast.Constant) and isinstance(item.value, str)
                              for item in node.value.elts)
                      for target in node.targets if isinstance(target, ast.Name)})
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_bound(node):
            key = next((keyword.value for keyword in node.keywords if keyword.arg == "key"), None)
            pattern = _pattern(key, constants) if key is not None else None
            if pattern is not None and pattern not in found:
                found.append(pattern)
    return tuple(found)


def owner(key: str, pages: Sequence[tuple[Path, str]], shared: Sequence[Path] = ()) -> str | None:
    """The label of the page (of `pages`: its file and label) whose controls take the setting `key`, "" where every
    page's do (`shared`: files whose bound controls each page draws, like projector mode's switch), or None where
    no page's do."""
    if key.lower() in STREAMLIT_KEYS or any(re.fullmatch(pattern, key) for source in shared
                                            for pattern in settings_of(source)):
        return ""
    return next((label for source, label in pages if source.exists()
                 and any(re.fullmatch(pattern, key) for pattern in settings_of(source))), None)


def every_key(pages: Sequence[tuple[Path, str]], shared: Sequence[Path] = ()) -> list[str]:
    """Every setting's key written out, for the nearest one to a mistyped key (an f-string's key is left out)."""
    files = [source for source, _ in pages if source.exists()] + list(shared)
    return [re.sub(r"\\(.)", r"\1", pattern) for source in files for pattern in settings_of(source)
            if "[" not in pattern]
