"""The source-link check, against a local website (no internet): live, 404, redirect, slow, huge, private."""

import time

import httpx
import pytest
from fakes import LocalSite

from bot.errors import UserError
from bot.remote import LinkChecker, is_public, parse_networks

LOOPBACK = parse_networks("127.0.0.0/8")


@pytest.fixture
def site():
    site = LocalSite(slow_seconds=3.0).start()
    yield site
    site.stop()


@pytest.fixture
async def checker():
    async with httpx.AsyncClient() as client:
        yield LinkChecker(client, LOOPBACK, timeout=1.0, max_bytes=64 * 1024)


async def test_a_live_page_reports_its_title(checker, site):
    result = await checker.check(site.url("/page"))
    assert result.live and result.status == 200
    assert result.title == "Sumber Uji & Coba"


async def test_a_missing_page_is_dead(checker, site):
    result = await checker.check(site.url("/missing"))
    assert not result.live and result.status == 404 and result.problem == "404"


async def test_redirects_are_followed(checker, site):
    result = await checker.check(site.url("/moved"))
    assert result.live and result.final_url == site.url("/page") and result.title == "Sumber Uji & Coba"
    assert site.hits == ["/moved", "/page"]


async def test_a_slow_page_times_out(checker, site):
    start = time.monotonic()
    result = await checker.check(site.url("/slow"))
    assert not result.live and result.problem == "timeout"
    assert time.monotonic() - start < 2.5


async def test_an_oversized_body_is_not_read_beyond_the_cap(checker, site):
    result = await checker.check(site.url("/huge"))
    assert result.live and result.problem == "truncated" and result.title == "Besar"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://10.0.0.1/admin", "http://192.168.1.1/",
                                 "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/"])
async def test_private_loopback_and_link_local_addresses_are_refused(url):
    async with httpx.AsyncClient() as client:
        with pytest.raises(UserError) as refused:
            await LinkChecker(client).check(url)
    assert refused.value.key == "mod.url_private"


async def test_a_redirect_into_a_private_network_is_refused(checker, site):
    with pytest.raises(UserError) as refused:
        await checker.check(site.url("/to-private"))
    assert refused.value.key == "mod.url_private"


@pytest.mark.parametrize("url", ["ftp://example.org/", "javascript:alert(1)", "http://", "kompas.com"])
async def test_not_a_web_url_is_refused(checker, url):
    with pytest.raises(UserError) as refused:
        await checker.check(url)
    assert refused.value.key == "mod.url_invalid"


def test_public_and_allowed_addresses():
    assert is_public("8.8.8.8") and is_public("2606:4700::1111")
    assert not is_public("127.0.0.1") and not is_public("10.1.1.1") and not is_public("fe80::1")
    assert is_public("127.0.0.1", LOOPBACK)
