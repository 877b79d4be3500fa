"""What reading content files yields: the entities, the references to check, or an error.

An error carries a message id and its values rather than a sentence, so an admin reads it in
their own language while logs and the command line get English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import N_, _
from storage.knowledge_entities import Conference, Document, ItemList


class ContentError(Exception):
    """A content file is wrong. ``render`` says where and what, in the reader's language."""

    def __init__(
        self, template: str, *, line: int | None = None, source: str = "", **params: object
    ) -> None:
        self.template = template
        self.line = line
        self.source = source
        self.params = {key: str(value) for key, value in params.items()}
        super().__init__(self._located(template.format(**self.params), translate=False))

    def render(self) -> str:
        return self._located(_(self.template).format(**self.params), translate=True)

    def _located(self, message: str, translate: bool) -> str:
        if self.line is None and not self.source:
            return message
        if self.line is None:
            template = N_("{source}: {message}")
        elif self.source:
            template = N_("{source}, line {line}: {message}")
        else:
            template = N_("Line {line}: {message}")
        template = _(template) if translate else template
        return template.format(source=self.source, line=self.line, message=message)


@dataclass(frozen=True)
class Reference:
    """A mention of another entity, checked once every file of an import is read."""

    kind: str  # document, list or conference
    key: str
    field: str
    line: int
    source: str


@dataclass
class Content:
    """Everything one file (or several) declares, with where each entity was declared."""

    documents: list[Document] = field(default_factory=list)
    lists: list[ItemList] = field(default_factory=list)
    conferences: list[Conference] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    places: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

    def add(self, other: Content) -> None:
        """Take in another file's content, refusing an entity declared twice."""
        for key, (source, line) in other.places.items():
            if key in self.places:
                raise ContentError(
                    N_("{key} is already declared in {other}, line {other_line}."),
                    line=line, source=source, key=key[1], other=self.places[key][0],
                    other_line=self.places[key][1],
                )
        self.places.update(other.places)
        self.documents += other.documents
        self.lists += other.lists
        self.conferences += other.conferences
        self.references += other.references
