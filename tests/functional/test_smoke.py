from tests.conftest import login


def test_front_page_empty_state(app):
    page = app.get("/")
    assert "Nothing has been published here yet." in page
    assert "<title>Test Goblin</title>" in page


def test_login_logout(app, alice):
    response = login(app, "alice", "correct horse")
    assert response.status_int == 302
    page = response.follow()
    assert "Logged in as" in page
