"""Who is acting: a signed-in user (through the API or the web pages), a person at the server's command line, or the
system itself. Every use case receives one, checks its permission against it and names it in the audit log, so the
same action is recorded the same way whichever shell started it."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fuqing.auth import PERMISSIONS, ROLE_NAMES, Role
from fuqing.errors import Forbidden

if TYPE_CHECKING:
    from fuqing.models import User

CHANNELS = ("api", "web", "cli", "system")


@dataclass(frozen=True)
class Actor:
    """``name`` is what the audit log records: the account name, or ``cli:<operating-system user>``."""

    name: str
    role: Role
    user_id: int | None = None
    channel: str = "cli"
    display_name: str | None = None

    @classmethod
    def of(cls, user: User, channel: str) -> Actor:
        return cls(user.name, Role(user.role), user.id, channel, user.display_name)

    @classmethod
    def cli(cls) -> Actor:
        """Whoever runs `fuqing` on the server: they can read the database file itself, so they act as admin."""
        return cls(f"cli:{_os_user()}", Role.admin, None, "cli")

    @classmethod
    def anonymous(cls, channel: str) -> Actor:
        """Nobody signed in (a failed sign-in, for the audit log): the least role, and no account."""
        return cls("anonymous", Role.fieldworker, None, channel)

    @classmethod
    def system(cls) -> Actor:
        return cls("system", Role.admin, None, "system")

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def permissions(self) -> frozenset[str]:
        return PERMISSIONS[self.role]

    @property
    def is_fieldworker(self) -> bool:
        return self.role == Role.fieldworker

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    def require(self, *permissions: str) -> None:
        """Passes when the actor holds any one of ``permissions``."""
        if any(self.can(p) for p in permissions):
            return
        raise Forbidden(
            f"您的角色（{self.role_name}）没有这项权限。",
            hint="如需此功能，请联系管理员调整角色。",
            details={"needs": list(permissions)},
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container without /etc/passwd entry
        return "unknown"
