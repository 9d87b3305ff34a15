"""Check the translation catalogues: every message translated, none fuzzy, .mo up to date.

Run by ``make lint``. Catalogues are compiled with ``make messages`` (GNU gettext);
the compiled .mo files are committed so that a fresh machine needs no gettext.
"""

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def problems() -> list[str]:
    found = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        for entry in po:
            if entry.obsolete:
                continue
            if not entry.translated():
                found.append(f"{po_path}: untranslated or fuzzy: {entry.msgid!r}")
        if not mo_path.exists():
            found.append(f"{mo_path}: missing; run make messages")
            continue
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
        for entry in po.translated_entries():
            if compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr:
                found.append(f"{mo_path}: out of date for {entry.msgid!r}; run make messages")
                break
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line, file=sys.stderr)  # noqa: T201 (a command-line check reports on stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
