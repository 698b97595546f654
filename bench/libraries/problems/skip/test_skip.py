import pytest


@pytest.mark.explore
def test_skips_itself():
    pytest.skip("not on this version")


@pytest.mark.explore
def test_xfails_itself():
    pytest.xfail("known bug")
