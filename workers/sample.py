"""`python -m workers.sample`: clean sample pages with the real cleaner, for `newssieve sites add|check`.

Reads JSON lines `{"url": ..., "html": ...}` on stdin and writes one JSON line per page:
`{"url", "title", "chars", "paragraphs", "lang", "empty_reason"}`. Pure cleaning, nothing stored;
a child process because the core never imports `workers`.
"""

from __future__ import annotations

import json
import sys

from workers.clean import clean


def main() -> int:
    for line in sys.stdin:
        try:
            page = json.loads(line)
        except ValueError:
            continue
        if not isinstance(page, dict):
            continue
        article = clean(str(page.get("html") or ""), page.get("url"))
        sys.stdout.write(json.dumps({
            "url": page.get("url"), "title": article.title, "chars": len(article.text),
            "paragraphs": len(article.paragraphs), "lang": article.lang,
            "empty_reason": article.empty_reason,
        }) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
