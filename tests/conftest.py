import pytest

from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

ROLE_USERNAMES = {
    Role.IRO: "iro_user",
    Role.LADO: "lado_user",
    Role.REG44_VISITOR: "visitor_user",
    Role.MANAGER: "manager_user",
    Role.MINUTE_TAKER: "minutes_user",
    Role.ADMINISTRATOR: "admin_user",
}


@pytest.fixture
def password():
    return PASSWORD


def _user(role):
    return UserFactory(
        username=ROLE_USERNAMES[role], roles=[role], is_staff=role == Role.ADMINISTRATOR
    )


@pytest.fixture
def iro(db):
    return _user(Role.IRO)


@pytest.fixture
def manager(db):
    return _user(Role.MANAGER)


@pytest.fixture
def lado(db):
    return _user(Role.LADO)


@pytest.fixture
def visitor(db):
    return _user(Role.REG44_VISITOR)


@pytest.fixture
def minute_taker(db):
    return _user(Role.MINUTE_TAKER)


@pytest.fixture
def administrator(db):
    return _user(Role.ADMINISTRATOR)


@pytest.fixture
def user_with_role(db):
    return _user


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def iro_client(client, iro):
    return _client_for(client, iro)


@pytest.fixture
def manager_client(client, manager):
    return _client_for(client, manager)


@pytest.fixture
def admin_client_role(client, administrator):
    return _client_for(client, administrator)
