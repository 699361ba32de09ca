import pytest

from alongside.core.middleware import client_ip


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.9", None, 0, "203.0.113.9"),
        ("127.0.0.1", "198.51.100.7", 0, "127.0.0.1"),  # header ignored without a proxy
        ("127.0.0.1", "198.51.100.7", 1, "198.51.100.7"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", 1, "198.51.100.7"),  # forged left entry
        ("127.0.0.1", "198.51.100.7, 10.0.0.2", 2, "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7", 2, "127.0.0.1"),  # fewer hops than proxies
        ("", None, 0, None),
    ],
)
def test_client_ip(remote, forwarded, proxies, expected):
    assert client_ip(remote, forwarded, proxies) == expected
