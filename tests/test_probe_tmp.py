import time
from django.core.management import call_command

def test_probe(db, client, django_assert_num_queries):
    t = time.time()
    call_command("seed_demo")
    print("seed", time.time() - t)
    t = time.time()
    call_command("seed_demo")
    print("seed2", time.time() - t)
    r = client.get("/")
    print(r.status_code, len(r.content))
    print(r.content.decode()[:600])
    from people.models import User
    client.force_login(User.objects.get(username="office"))
    from django.urls import reverse
    r = client.get(reverse("wagtailusers_users:add"))
    print(r.status_code)
    print(list(r.context["form"].fields))
    assert 0
