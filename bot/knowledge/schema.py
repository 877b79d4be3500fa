"""Reading content files: YAML -> validated entities, or an error naming the field and line.

The same rules serve the shipped files in bot/content/ and an admin's /import, so a file that
loads here loads there. PyYAML's node tree (``yaml.compose``) keeps the line of every value.

A file holds one entity, recognised by its keys, or sections ``documents:``, ``lists:``,
``conferences:`` of several. Texts are ``{vi: ..., en: ...}`` (one of the two may be missing);
dates are ``YYYY-MM-DD``; ids are lowercase-and-hyphens; references must name an entity of
the same file or one already stored. (* = required)

- document: code* (or, for a document the sources name without a code, id*: its title then
  names it), kind* (see KINDS), title*, issuer, date, summary, aliases [text], cited_in
  [conference id], lists [list id]
- list: id*, title*, items* [number*, title*, detail, answer], source, date, conference
  (conference id), documents [code], aliases [text]
- conference: id*, date*, title*, place, chaired_by, decided, figures [text], documents
  [code], lists [list id]
"""

from __future__ import annotations

import re
from datetime import date

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.i18n import N_
from bot.knowledge.content import Content, ContentError, Reference
from storage.knowledge_entities import Conference, Document, Item, ItemList, Localized

KINDS = (
    "resolution", "directive", "regulation", "decision", "programme", "project", "conclusion",
    "notice", "plan", "guidance",
)
TEXT_LIMIT = 3000  # characters: any one text must fit a message page
TITLE_LIMIT = 400  # titles are repeated in lists and search results
NAME_LIMIT = 120  # codes and aliases
ITEM_LIMIT = 100  # a list's items each get a button, and Telegram allows 100
NUMBER_LIMIT = 20  # an item's number, shown bold in front of it
ALIAS_LIMIT = 20
FIGURE_LIMIT = 50
DEPTH_LIMIT = 12  # the schema nests 5 deep; C's YAML composer recurses without a bound
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NULL = "tag:yaml.org,2002:null"
_SECTIONS = ("documents", "lists", "conferences")
_LIST_ONLY = {"aliases", "source", "conference"}
_CONFERENCE_ONLY = {"place", "chaired_by", "decided", "figures"}


def parse(data: str | bytes, source: str = "") -> Content:
    """Validate one file: a document, a list, a conference, or sections of each."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ContentError(N_("The file is not UTF-8 text."), source=source) from None
    try:
        _check_shape(data, source)
        root = yaml.compose(data, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        # PyYAML's own explanation is English whatever the reader's language: say where, in
        # our words, and what usually goes wrong there.
        mark = exc.problem_mark or exc.context_mark
        raise ContentError(
            N_("This is not valid YAML (column {column}): check the indentation, the colons "
               "and the quotes there."),
            line=mark.line + 1 if mark else None, source=source,
            column=mark.column + 1 if mark else "?",
        ) from None
    except yaml.YAMLError:
        raise ContentError(N_("The file holds a character that YAML does not allow."),
                           source=source) from None
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL):
        raise ContentError(N_("The file is empty."), source=source)
    return _Reader(source).file(root)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.content = Content()

    def error(self, node: Node, template: str, **params: object) -> ContentError:
        return ContentError(template, line=_line(node), source=self.source, **params)

    # ---- shapes ------------------------------------------------------------------------
    def file(self, root: Node) -> Content:
        keys = set(self._keys(root, "")) if isinstance(root, MappingNode) else set()
        if keys and keys <= set(_SECTIONS):
            fields = self.mapping(root, "", set(_SECTIONS), set())
            readers = {"documents": self.document, "lists": self.item_list,
                       "conferences": self.conference}
            for section, read in readers.items():
                for n, node in enumerate(self.sequence(fields.get(section), section)):
                    read(node, f"{section}[{n + 1}].")
        elif "code" in keys or ("id" in keys and "kind" in keys):
            self.document(root, "")
        elif "items" in keys or ("id" in keys and keys & _LIST_ONLY):
            self.item_list(root, "")
        elif "id" in keys and ("date" in keys or keys & _CONFERENCE_ONLY):
            self.conference(root, "")
        else:
            raise self.error(root, N_(
                "The file must hold a document (with code), a list (with id and items), a "
                "conference (with id and date), or the sections documents, lists and "
                "conferences."))
        return self.content

    def _keys(self, node: MappingNode, path: str) -> list[str]:
        keys = []
        for key, _value in node.value:
            if not isinstance(key, ScalarNode):
                raise self.error(key, N_("{field} has a key that is not a plain name."),
                                 field=path or "/")
            if key.value in keys:
                raise self.error(key, N_("{field} appears twice."), field=path + key.value)
            keys.append(key.value)
        return keys

    def mapping(
        self, node: Node, path: str, allowed: set[str], required: set[str]
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.error(node, N_("{field} must be a mapping of fields."), field=path or "/")
        fields: dict[str, Node] = {}
        for (key, value), name in zip(node.value, self._keys(node, path), strict=True):
            if name not in allowed:
                raise self.error(key, N_("{field} is not a known field; expected one of: "
                                         "{allowed}."),
                                 field=path + name, allowed=", ".join(sorted(allowed)))
            if not _is_null(value):
                fields[name] = value
        missing = sorted(required - fields.keys())
        if missing:
            raise self.error(node, N_("{field} is missing."), field=path + missing[0])
        return fields

    def sequence(self, node: Node | None, path: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            raise self.error(node, N_("{field} must be a list (lines starting with -)."),
                             field=path)
        return list(node.value)

    def text(self, node: Node, path: str, limit: int = TEXT_LIMIT) -> str:
        if not isinstance(node, ScalarNode):
            raise self.error(node, N_("{field} must be a text."), field=path)
        value = node.value.strip()
        if not value:
            raise self.error(node, N_("{field} must not be empty."), field=path)
        if len(value) > limit:
            raise self.error(node, N_("{field} is too long ({length} characters, at most "
                                      "{limit})."),
                             field=path, length=len(value), limit=limit)
        return value

    def names(self, node: Node | None, path: str) -> tuple[str, ...]:
        return tuple(self.text(item, f"{path}[{n + 1}]", NAME_LIMIT)
                     for n, item in enumerate(self.bounded(node, path, ALIAS_LIMIT)))

    def bounded(self, node: Node | None, path: str, limit: int) -> list[Node]:
        items = self.sequence(node, path)
        if len(items) > limit:
            raise self.error(node, N_("{field} has {count} entries, at most {limit}."),
                             field=path, count=len(items), limit=limit)
        return items

    def localized(self, node: Node | None, path: str, limit: int = TEXT_LIMIT) -> Localized:
        if node is None:
            return Localized()
        if not isinstance(node, MappingNode):
            raise self.error(node, N_("{field} must have a vi and/or an en text, like "
                                      "\"vi: ...\" and \"en: ...\" on the lines below it."),
                             field=path)
        fields = self.mapping(node, path + ".", {"vi", "en"}, set())
        if not fields:
            raise self.error(node, N_("{field} needs a vi or an en text."), field=path)
        return Localized(**{lang: self.text(value, f"{path}.{lang}", limit)
                            for lang, value in fields.items()})

    def day(self, node: Node | None, path: str) -> date | None:
        if node is None:
            return None
        value = self.text(node, path)
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(node, N_("{field} must be a date written like 2023-07-18, not "
                                      "{value}."), field=path, value=value) from None

    def slug(self, node: Node, path: str) -> str:
        value = self.text(node, path)
        if not _SLUG.match(value) or len(value) > 60:
            raise self.error(node, N_("{field} must be lowercase letters, digits and hyphens "
                                      "(at most 60), like six-key-tasks, not {value}."),
                             field=path, value=value)
        return value

    def references(self, node: Node | None, path: str, kind: str) -> tuple[str, ...]:
        keys = []
        for n, item in enumerate(self.sequence(node, path)):
            keys.append(self.reference(item, f"{path}[{n + 1}]", kind))
        return tuple(keys)

    def reference(self, node: Node, path: str, kind: str) -> str:
        key = self.text(node, path) if kind == "document" else self.slug(node, path)
        self.content.references.append(Reference(kind, key, path, _line(node), self.source))
        return key

    def declare(self, node: Node, kind: str, key: str) -> None:
        if (kind, key) in self.content.places:
            raise self.error(node, N_("{key} is declared twice in this file."), key=key)
        self.content.places[(kind, key)] = (self.source, _line(node))

    # ---- entities ----------------------------------------------------------------------
    def document(self, node: Node, path: str) -> None:
        allowed = {"code", "id", "aliases", "kind", "issuer", "date", "title", "summary",
                   "cited_in", "lists"}
        f = self.mapping(node, path, allowed, {"kind", "title"})
        if ("code" in f) == ("id" in f):
            raise self.error(node, N_("{field} needs either a code or, for a document without "
                                      "one, an id."), field=path or "/")
        if "id" in f:
            code = self.slug(f["id"], path + "id")
        else:
            code = self.text(f["code"], path + "code", NAME_LIMIT)
            if not any(ch.isalnum() for ch in code):
                raise self.error(f["code"], N_("{field} needs a letter or a number."),
                                 field=path + "code")
        kind = self.text(f["kind"], path + "kind")
        if kind not in KINDS:
            raise self.error(f["kind"], N_("{field} is {value}, but it must be one of: "
                                           "{allowed}."),
                             field=path + "kind", value=kind, allowed=", ".join(KINDS))
        self.declare(node, "document", code)
        self.content.documents.append(Document(
            code=code, kind=kind, title=self.localized(f["title"], path + "title", TITLE_LIMIT),
            issuer=self.localized(f.get("issuer"), path + "issuer"),
            date=self.day(f.get("date"), path + "date"),
            summary=self.localized(f.get("summary"), path + "summary"),
            aliases=self.names(f.get("aliases"), path + "aliases"),
            cited_in=self.references(f.get("cited_in"), path + "cited_in", "conference"),
            lists=self.references(f.get("lists"), path + "lists", "list"),
            coded="code" in f,
        ))

    def item_list(self, node: Node, path: str) -> None:
        f = self.mapping(node, path, {"id", "aliases", "title", "source", "date", "conference",
                                      "documents", "items"}, {"id", "title", "items"})
        slug = self.slug(f["id"], path + "id")
        nodes = self.sequence(f["items"], path + "items")
        if not nodes:
            raise self.error(f["items"], N_("{field} must not be empty."), field=path + "items")
        if len(nodes) > ITEM_LIMIT:
            raise self.error(f["items"], N_("{field} has {count} entries; a list holds at most "
                                            "{limit}."),
                             field=path + "items", count=len(nodes), limit=ITEM_LIMIT)
        items = [self.item(item, f"{path}items[{n + 1}].") for n, item in enumerate(nodes)]
        numbers = [item.number for item in items]
        for n, number in enumerate(numbers):
            if number in numbers[:n]:
                raise self.error(nodes[n], N_("{field} {value} appears twice."),
                                 field=f"{path}items[{n + 1}].number", value=number)
        conference = f.get("conference")
        self.declare(node, "list", slug)
        self.content.lists.append(ItemList(
            slug=slug, title=self.localized(f["title"], path + "title", TITLE_LIMIT),
            items=tuple(items),
            source=self.localized(f.get("source"), path + "source"),
            date=self.day(f.get("date"), path + "date"),
            conference=self.reference(conference, path + "conference", "conference")
            if conference else None,
            documents=self.references(f.get("documents"), path + "documents", "document"),
            aliases=self.names(f.get("aliases"), path + "aliases"),
        ))

    def item(self, node: Node, path: str) -> Item:
        f = self.mapping(node, path, {"number", "title", "detail", "answer"},
                         {"number", "title"})
        return Item(
            number=self.text(f["number"], path + "number", NUMBER_LIMIT),
            title=self.localized(f["title"], path + "title", TITLE_LIMIT),
            detail=self.localized(f.get("detail"), path + "detail"),
            answer=self.localized(f.get("answer"), path + "answer"),
        )

    def conference(self, node: Node, path: str) -> None:
        f = self.mapping(node, path, {"id", "date", "title", "place", "chaired_by", "decided",
                                      "figures", "documents", "lists"}, {"id", "date", "title"})
        slug = self.slug(f["id"], path + "id")
        day = self.day(f["date"], path + "date")
        assert day is not None
        figures = self.bounded(f.get("figures"), path + "figures", FIGURE_LIMIT)
        self.declare(node, "conference", slug)
        self.content.conferences.append(Conference(
            slug=slug, date=day, title=self.localized(f["title"], path + "title", TITLE_LIMIT),
            place=self.localized(f.get("place"), path + "place"),
            chaired_by=self.localized(f.get("chaired_by"), path + "chaired_by"),
            decided=self.localized(f.get("decided"), path + "decided"),
            figures=tuple(self.localized(figure, f"{path}figures[{n + 1}]")
                          for n, figure in enumerate(figures)),
            documents=self.references(f.get("documents"), path + "documents", "document"),
            lists=self.references(f.get("lists"), path + "lists", "list"),
        ))


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _check_shape(data: str, source: str) -> None:
    """Refuse what could exhaust memory or the stack before building the tree: nesting far
    deeper than the schema, and anchors (``*name``), which let a small file expand hugely.

    libyaml (PyYAML 6.0.4 and later) stops at a nesting limit of its own, in English, before
    its first event reaches our check. When libyaml fails, the pure-Python parser, which has no
    such limit, tells a file nested too deeply from a broken one, so the reader always gets our
    message; well-formed files, the common case, are read once, at libyaml's speed.
    """
    try:
        _check_events(data, _LOADER, source)
    except yaml.YAMLError:
        if _LOADER is yaml.SafeLoader:
            raise
        _check_events(data, yaml.SafeLoader, source)
        raise


def _check_events(data: str, loader: type, source: str) -> None:
    depth = 0
    for event in yaml.parse(data, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise ContentError(N_("Anchors and aliases (*name) are not allowed."),
                               line=event.start_mark.line + 1, source=source)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > DEPTH_LIMIT:
                raise ContentError(N_("The file is nested too deeply."),
                                   line=event.start_mark.line + 1, source=source)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
