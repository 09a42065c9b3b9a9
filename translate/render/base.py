from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from translate.article import Article


class Renderer(ABC):
    name: ClassVar[str]
    extension: ClassVar[str]  # file suffix after the language: NAME.en.txt, NAME.json
    per_language: ClassVar[bool]

    @abstractmethod
    def render(self, article: Article, langs: list[str]) -> dict[str, str]:
        """Documents keyed by language (per-language formats) or by "all"."""
