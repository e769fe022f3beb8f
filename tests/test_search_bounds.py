"""Every search reads at most 200 characters and 10 words of its query and ignores the rest: a 1,000-word
query used to answer a 500 on SQLite (« Expression tree is too large ») and cost about a second of CPU at
900 words. The API says the bound (maxLength) and refuses past it."""

import time

import pytest

from santelocale.territories.services import search_territories
from santelocale.utils.text import MAX_QUERY_WORDS, search_words

pytestmark = pytest.mark.django_db

HUGE = " ".join(["albi"] * 1000)


def test_a_query_gives_at_most_ten_words_from_its_first_200_characters():
    assert len(search_words(HUGE)) == MAX_QUERY_WORDS
    assert search_words("Saint-Étienne " + "x" * 300) == ["saint", "etienne", "x" * 186]


def test_a_1000_word_territory_search_answers_quickly(client):
    started = time.process_time()
    assert "Albi" in {result.name for result in search_territories(HUGE, limit=5)}
    response = client.get("/territoires/", {"q": HUGE})
    assert response.status_code == 200
    assert time.process_time() - started < 5  # about 1 s per request at 900 words before


@pytest.mark.parametrize(
    "url", ["/api/territoires/recherche", "/api/plans/fiches", "/api/observatoire/registre"]
)
def test_the_api_refuses_a_query_past_200_characters_and_takes_ten_words_below(client, url):
    response = client.get(url, {"q": HUGE})
    assert response.status_code == 422
    assert "200 caractères au plus" in response.json()["detail"]
    assert client.get(url, {"q": " ".join(["albi"] * 39)}).status_code == 200
