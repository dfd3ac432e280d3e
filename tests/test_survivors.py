"""Features that were once deleted on purpose without any test failing (issue 9): each test here fails
when its feature is removed. (Salted hashing and the 30-day cleanup are tested in test_privacy.py,
the conversation timeout in test_tg_newsroom.py.)"""

import pytest
from conftest import MODERATOR

from bot.citizens import Citizens
from bot.core import MAX_QUERY_CHARS
from bot.editorial import Editorial
from bot.errors import UserError


def test_a_query_is_cut_to_the_limit_before_matching(seeded_service):
    answer = seeded_service.checker.check("BSU hoaks " + "kemiskinan " * 1000)
    assert len(answer.query) <= MAX_QUERY_CHARS
    assert answer.query.startswith("BSU hoaks") and answer.query.split()[-1] == "kemiskinan"


@pytest.fixture
def editorial(service):
    editorial = Editorial(service.store, Citizens(service.store, "salt"), service.analyzer, service.topics,
                          frozenset({1}))
    editorial.add_moderator(MODERATOR, 1)
    return editorial


def test_tambah_refuses_a_statement_over_2000_characters(editorial):
    editorial.start_add(MODERATOR)
    words = "Nelayan Pulau Semau menerima bantuan perahu motor. "
    too_long = (words * 60)[:2001]
    with pytest.raises(UserError) as refused:
        editorial.answer(MODERATOR, too_long)
    assert refused.value.key == "mod.too_long" and refused.value.values["limit"] == 2000
    assert editorial.draft(MODERATOR).step == "statement"  # asked again
    editorial.answer(MODERATOR, too_long[:2000].strip())
    assert editorial.draft(MODERATOR).step == "verdict"
