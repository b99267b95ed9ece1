"""Alembic environment: always run by goblin (``gmg dbupdate``) on a connection it passes in."""

from alembic import context

import goblin.media_types.image.models  # noqa: F401 - registers image__mediadata
from goblin.db.models import Base
from goblin.plugins.captcha import models as _captcha_models  # noqa: F401 - captcha__challenges

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guard for people running plain `alembic`
    raise SystemExit("Run migrations with `gmg dbupdate`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
