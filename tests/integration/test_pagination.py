"""The page links every long list shares (templates/partials/pagination.html)."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def _links(request, number, **context):
    page = Paginator(range(120), 50).get_page(number)
    return render_to_string("partials/pagination.html", {"page": page, **context}, request=request)


def test_page_links_keep_the_other_filters_and_say_where_you_are(rf):
    html = _links(
        rf.get("/people/", {"q": "Ann B", "team": "3", "page": "2"}), 2, label="Pages of people"
    )
    assert 'aria-label="Pages of people"' in html
    assert "Page 2 of 3" in html
    assert 'href="?q=Ann%20B&amp;team=3&amp;page=1">Previous page</a>' in html
    assert 'href="?q=Ann%20B&amp;team=3&amp;page=3">Next page</a>' in html


def test_the_first_page_has_no_previous_link_and_words_can_be_chosen(rf):
    html = _links(rf.get("/notifications/"), 1, previous="Newer", next="Older")
    assert "Newer" not in html
    assert 'href="?page=2">Older</a>' in html
    assert 'aria-label="Pages"' in html


def test_one_page_shows_no_links(rf):
    page = Paginator(range(10), 50).get_page(1)
    html = render_to_string("partials/pagination.html", {"page": page}, request=rf.get("/"))
    assert "<nav" not in html
