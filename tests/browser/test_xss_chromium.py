"""XSS corpus rendered in real headless Chromium: no payload runs, no element is injected.

Payloads in the style of the OWASP XSS filter-evasion cheat sheet (written here) go into the
titles, bodies, authors, outlet names and URLs of ingested JSON records, into an HTML page's
title and meta tags, into a rejected file's name, and into URLs of the site. Each payload tries
to set ``window.__pwned`` or to open a dialog. Every page is loaded twice: as served (with the
Content-Security-Policy) and with the CSP header stripped by the test, so that escaping alone
is shown to be enough and the CSP is a second wall, not the only one.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from livesite import serve

from parallax.ingest import ingest_paths
from parallax.settings import Settings
from parallax.store import SQLiteStore
from parallax.web.app import SECURITY_HEADERS, create_app

P = "window.__pwned=1"
PAYLOADS = [
    f"<script>{P}</script>",
    f"<SCRIPT>{P}</SCRIPT>",
    f"<ScRiPt>{P};alert(1)</sCrIpT>",
    f'"><script>{P}</script>',
    f"'><script>{P}</script>",
    f"</title><script>{P}</script>",
    f"</textarea><script>{P}</script>",
    f"<img src=x onerror={P}>",
    f'<img src="x" onerror="{P}">',
    "<img src=x onerror=&#119;&#105;&#110;&#100;&#111;&#119;.__pwned=1>",
    f"<IMG SRC=javascript:{P}>",
    f"<svg onload={P}>",
    f"<svg/onload={P}>",
    f"<body onload={P}>",
    f"<iframe src=\"javascript:parent.{P}\"></iframe>",
    f"<iframe srcdoc=\"<script>parent.{P}</script>\"></iframe>",
    f"<details open ontoggle={P}>",
    f"<input autofocus onfocus={P}>",
    f"<video><source onerror={P}></video>",
    f"<audio src=x onerror={P}>",
    f"<marquee onstart={P}>x</marquee>",
    f'<a href="javascript:{P}">click</a>',
    f"javascript:{P}",
    f"JaVaScRiPt:{P}",
    f"java\tscript:{P}",
    f"data:text/html,<script>{P}</script>",
    f'<object data="javascript:{P}"></object>',
    f'<embed src="javascript:{P}">',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{P}">',
    f'<form action="javascript:{P}"><button>go</button></form>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{P}">',
    f'<base href="javascript:{P}//">',
    f'<link rel="import" href="data:text/html,<script>{P}</script>">',
    f"<style>@import 'javascript:{P}';</style>",
    f'<div style="background:url(javascript:{P})">x</div>',
    f"{{{{constructor.constructor('{P}')()}}}}",
    f"${{{P}}}",
    f"<scr<script>ipt>{P}</scr</script>ipt>",
    f"%3Cscript%3E{P}%3C/script%3E",
    f"&lt;script&gt;{P}&lt;/script&gt;",
    f"<x onclick={P}>click me</x>",
    f"\" onmouseover=\"{P}\" x=\"",
    f"' onmouseover='{P}' x='",
    f"<noscript><p title=\"</noscript><img src=x onerror={P}>\">",
    f"<template><script>{P}</script></template>",
    f"<svg><animate onbegin={P} attributeName=x dur=1s>",
    "<img src=1 onerror=alert(document.domain)>",
]
LEAD = "The city council met on Tuesday and approved the new budget after a long debate. "

#: Elements no template uses (the CSP forbids inline script and style, so templates cannot):
#: one of these in a page came from a payload. Forms, inputs, SVG charts and <details> are
#: template elements; a payload's copy of them is caught by its handler or script URL below.
INJECTED = ("script, iframe, object, embed, base, meta[http-equiv], link[rel=import], style, "
            "marquee, x, math, template, noscript, video, audio, source, [srcdoc]")
CHECK_DOM = """() => {
  const on = [...document.querySelectorAll('*')].filter(
    e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length;
  const urls = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background'];
  const js = [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(
      a => (urls.includes(a.name.toLowerCase())
            && /^[\\s\\x00-\\x20]*(javascript|data|vbscript):/i.test(a.value))
           || (a.name.toLowerCase() === 'style' && /url\\(|expression\\(/i.test(a.value)))).length;
  return {pwned: window.__pwned === undefined ? null : window.__pwned, on, js,
          injected: document.querySelectorAll('SELECTOR').length};
}""".replace("SELECTOR", INJECTED.replace("'", "\\'"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """A served store full of payloads; yields the base URL and the article ids."""
    root = tmp_path_factory.mktemp("xss")
    inputs = root / "inputs"
    inputs.mkdir()
    records = []
    for i, payload in enumerate(PAYLOADS):
        records.append({
            "title": f"{payload} headline {i}",
            "text": f"{LEAD}{payload}\n\nThe mayor said {payload} twice. {LEAD}",
            "author": payload,
            "outlet": f"{payload} outlet {i % 7}",
            "url": payload if i % 2 else f"https://news.example/{urllib.parse.quote(payload)}",
            "published_at": "2025-09-03",
        })
    (inputs / "hostile.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    html = "".join(
        f"<html><head><title>{p}</title><meta name='author' content='{p}'>"
        f"<meta property='og:site_name' content='{p}'></head><body><article><h1>{p}</h1>"
        f"<p>{LEAD}</p><p>{p}</p><p>{LEAD}</p></article></body></html>"
        for p in PAYLOADS[:1]
    )
    (inputs / "page.html").write_text(html, encoding="utf-8")
    (inputs / f"<img src=x onerror={P}>.txt").write_bytes(b"")  # rejected: its name is shown
    db = root / "xss.db"
    settings = Settings(db=str(db), min_body_chars=20)
    with SQLiteStore(db) as store:
        report = ingest_paths([str(inputs)], store, settings)
        assert report.articles >= len(PAYLOADS) - 2, report.as_dict()
        ids = [row["article_id"] for row in store.list_articles(limit=1000)]
    for base in serve(create_app(str(db), settings)):
        yield base, ids


class Tab:
    """One browser page that records dialogs and CSP reports, optionally without the CSP."""

    def __init__(self, browser: Any, strip_csp: bool) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.csp.append(m.text)
                     if "Content Security Policy" in m.text else None)
        if strip_csp:
            def without_csp(route: Any) -> None:
                response = route.fetch()
                headers = {k: v for k, v in response.headers.items()
                           if k.lower() != "content-security-policy"}
                route.fulfill(response=response, headers=headers)
            self.page.route("**/*", without_csp)

    def visit(self, url: str, shot: Path | None) -> dict[str, Any]:
        self.dialogs.clear()
        self.csp.clear()
        response = self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(30)  # let onload/onerror/ontoggle/autofocus handlers fire
        self.page.mouse.move(10, 10)
        self.page.mouse.move(400, 300)
        found = self.page.evaluate(CHECK_DOM)
        headers = response.all_headers() if response is not None else {}
        if shot is not None:
            self.page.screenshot(path=str(shot), full_page=True)
        return {"dialogs": list(self.dialogs), "csp": list(self.csp), "headers": headers,
                "status": response.status if response else 0, **found}


def test_xss_corpus_renders_inert_in_chromium(browser: Any, hostile_site: tuple[str, list[str]],
                                              artifacts: Path, record_property: Any) -> None:
    base, ids = hostile_site
    urls = ["/", "/articles", "/rejections"]
    urls += [f"/articles/{i}" for i in ids]
    urls += [f"/articles/{urllib.parse.quote(p, safe='')}" for p in PAYLOADS[:8]]
    urls += [f"/articles?outlet={urllib.parse.quote(p, safe='')}" for p in PAYLOADS[:8]]
    problems = []
    tabs = {False: Tab(browser, strip_csp=False), True: Tab(browser, strip_csp=True)}
    for n, path in enumerate(urls):
        for strip_csp, tab in tabs.items():
            shot = artifacts / f"xss_{n:03d}.png" if not strip_csp and n < 12 else None
            seen = tab.visit(base + path, shot)
            bad = {k: seen[k] for k in ("dialogs", "pwned", "on", "js", "injected") if seen[k]}
            if not strip_csp:
                if seen["csp"]:
                    bad["csp_violations"] = seen["csp"][:2]  # an injection reached the browser
                missing = [h for h in SECURITY_HEADERS if h.lower() not in seen["headers"]]
                if missing:
                    bad["missing_headers"] = missing
            if seen["status"] >= 500:
                bad["status"] = seen["status"]
            if bad:
                problems.append(f"{path} (csp {'off' if strip_csp else 'on'}): {bad}")
    for tab in tabs.values():
        tab.context.close()
    assert not problems, "\n".join(problems[:10])
    record_property("xss_payloads", len(PAYLOADS))


def test_both_walls_are_real(browser: Any, hostile_site: tuple[str, list[str]]) -> None:
    """The checks above can fail. A handler injected by script is seen by the DOM check; with
    the CSP as served its handler is blocked, and with the CSP stripped (as in the second pass)
    it runs, so the second pass really tests escaping alone."""
    base, _ = hostile_site
    inject = """() => { const s = document.createElement('div');
        s.innerHTML = '<img src=x onerror="window.__pwned=1">'; document.body.append(s); }"""
    results = {}
    for strip_csp in (False, True):
        tab = Tab(browser, strip_csp)
        tab.page.goto(base + "/articles")
        tab.page.evaluate(inject)
        tab.page.wait_for_function("() => window.__pwned === 1 || document.readyState")
        tab.page.wait_for_timeout(300)
        results[strip_csp] = tab.page.evaluate(CHECK_DOM)
        tab.context.close()
    assert results[False]["on"] >= 1  # the DOM check sees the injected handler
    assert results[False]["pwned"] is None  # blocked by the CSP
    assert results[True]["pwned"] == 1  # no CSP: the handler ran, so escaping is what held
