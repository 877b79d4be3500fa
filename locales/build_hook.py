"""setuptools build step: compile the catalogues into the package, so every wheel speaks vi/en.

pyproject.toml names this class as ``build_py``. The ``.po`` files stay here, in ``locales/``;
each is compiled to ``bot/locales/<language>/LC_MESSAGES/messages.mo`` inside the build, which
is where ``bot.i18n`` looks first. A source checkout (and an editable install, which points into
it) needs no compiled file: ``bot.i18n`` compiles the ``.po`` files when it starts.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DOMAIN = "messages"


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            for source, target in self._catalogues():
                self.mkpath(str(target.parent))
                with source.open("rb") as po:
                    catalogue = read_po(po, locale=source.parts[-3])
                with target.open("wb") as mo:
                    write_mo(mo, catalogue)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return super().get_outputs(include_bytecode) + [
            str(target) for _, target in self._catalogues()
        ]

    def get_source_files(self) -> list[str]:
        """What an sdist must hold to build this wheel again: the .po files and this hook."""
        root = HERE.parent
        extra = [HERE / "build_hook.py", *(source for source, _ in self._catalogues())]
        return super().get_source_files() + [str(path.relative_to(root)) for path in extra]

    def _catalogues(self) -> list[tuple[Path, Path]]:
        build = Path(self.build_lib) / "bot" / "locales"
        return [
            (po, build / po.parent.parent.name / "LC_MESSAGES" / f"{DOMAIN}.mo")
            for po in sorted(HERE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        ]
