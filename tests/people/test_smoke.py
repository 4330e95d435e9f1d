def test_teacher_start_page_is_their_own_page(client, teacher):
    client.force_login(teacher)
    response = client.get("/start/")
    assert response.status_code == 302
    assert response.url == "/me/"
