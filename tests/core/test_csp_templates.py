"""The Content Security Policy allows no inline styles or scripts: no template of ours may
carry a style attribute, a <style> or an inline <script> (pages the browser walk does not
reach are caught here)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(r"\sstyle\s*=|<style[\s>]|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=")


def test_no_template_has_inline_style_or_script():
    offenders = []
    templates = [*ROOT.glob("*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]
    for path in sorted(templates):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)
