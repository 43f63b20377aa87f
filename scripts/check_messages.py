"""CI gate: every English catalogue is complete (no untranslated or fuzzy entries).

Source strings are Simplified Chinese (the portal's primary language); English is the catalogue.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "staticfiles"}

failed = False
for po in sorted(ROOT.rglob("locale/en/LC_MESSAGES/django.po")):
    if SKIP & set(po.relative_to(ROOT).parts):
        continue
    out = subprocess.run(
        ["msgfmt", "--statistics", "--check-format", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    stats = out.stderr.strip()
    bad = out.returncode != 0 or "untranslated" in stats or "fuzzy" in stats
    print(f"{'FAIL' if bad else 'ok  '} {po.relative_to(ROOT)}: {stats}")
    failed |= bad
sys.exit(1 if failed else 0)
