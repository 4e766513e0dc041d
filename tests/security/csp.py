"""What the Content-Security-Policy forbids, found in HTML: inline scripts and
styles, event-handler attributes, javascript: URLs and assets from elsewhere."""

from html.parser import HTMLParser

# <script type="..."> blocks that browsers never execute (data islands).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_inline_script = False
        self._script_text = ""

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            self._check_attribute(tag, name, value or "", line)
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        executable = (named.get("type") or "").lower() not in DATA_SCRIPT_TYPES
        if tag == "script" and not named.get("src") and executable:
            self._in_inline_script = True
            self._script_text = ""

    def _check_attribute(self, tag: str, name: str, value: str, line: int) -> None:
        if name == "style":
            self.problems.append(f"line {line}: style attribute on <{tag}>")
        if name.startswith("on"):
            self.problems.append(f"line {line}: event handler {name} on <{tag}>")
        is_url = name in ("href", "src", "action", "formaction")
        if is_url and value.strip().lower().startswith("javascript:"):
            self.problems.append(f"line {line}: javascript: URL on <{tag}>")
        external = value.startswith(("http://", "https://", "//")) and "testserver" not in value
        if name in ("src", "href") and tag in ("script", "link", "img", "iframe") and external:
            self.problems.append(f"line {line}: asset from another site on <{tag}>: {value}")

    def handle_data(self, data):
        if self._in_inline_script:
            self._script_text += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_inline_script:
            self._in_inline_script = False
            self.problems.append(
                f"line {self.getpos()[0]}: inline <script>: {self._script_text.strip()[:60]!r}"
            )


def csp_violations(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems
