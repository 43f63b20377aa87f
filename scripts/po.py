"""Translator's helper for the English catalogues.

  python scripts/po.py todo [PO…]          print untranslated/fuzzy msgids as JSON {msgid: ""}
  python scripts/po.py apply FILE.json [PO…]  fill msgstr from a JSON {msgid: english} mapping

Without PO arguments every locale/en catalogue of the project is used.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues(args):
    if args:
        return [Path(a) for a in args]
    return [p for p in sorted(ROOT.rglob("locale/en/LC_MESSAGES/django.po")) if ".venv" not in p.parts]


def main(argv):
    cmd, rest = argv[1], argv[2:]
    if cmd == "todo":
        todo = {}
        for path in catalogues(rest):
            for entry in polib.pofile(str(path)):
                if entry.obsolete:
                    continue
                if not entry.translated() or "fuzzy" in entry.flags:
                    todo[entry.msgid] = ""
                    if entry.msgid_plural:
                        todo[entry.msgid_plural] = ""
        print(json.dumps(todo, ensure_ascii=False, indent=1))
    elif cmd == "apply":
        mapping = json.loads(Path(rest[0]).read_text("utf-8"))
        for path in catalogues(rest[1:]):
            po = polib.pofile(str(path), wrapwidth=0)
            for entry in po:
                # Only fill what is missing: an app's own wording of a shared word is kept.
                if entry.translated() and "fuzzy" not in entry.flags:
                    continue
                if entry.msgid in mapping and mapping[entry.msgid]:
                    if entry.msgid_plural:
                        entry.msgstr_plural = {
                            0: mapping[entry.msgid],
                            1: mapping.get(entry.msgid_plural) or mapping[entry.msgid],
                        }
                    else:
                        entry.msgstr = mapping[entry.msgid]
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
            po.save()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
