from trajectoire.funding.changelog import changelog_html, markdown_to_html


def test_the_markdown_subset_becomes_html():
    html = markdown_to_html("# Titre\n\nUn **gras** et `code`\nsuite.\n\n- un\n  suite\n- deux\n\nFin.")
    assert html == (
        "<h3>Titre</h3>\n<p>Un <strong>gras</strong> et <code>code</code> suite.</p>\n"
        "<ul><li>un suite</li><li>deux</li></ul>\n<p>Fin.</p>"
    )


def test_html_in_the_changelog_is_escaped():
    assert (
        markdown_to_html("<script>alert(1)</script> & co") == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>"
    )


def test_the_shipped_changelog_renders():
    html = changelog_html()
    assert html.startswith("<h3>Journal des règles des dispositifs</h3>")
    assert "<h4>Version 2026.11.1" in html


def test_source_links_are_labelled_by_their_site():
    from trajectoire.funding.presentation import source

    assert source("https://www.legifrance.gouv.fr/codes/article_lc/X").label == "legifrance.gouv.fr"
    assert source("https://www.xn--lebilandecomptences-nzb.fr/a").label == "lebilandecompétences.fr"
