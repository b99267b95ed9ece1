"""Packaging for goblin: the web app (PasteDeploy entry point) and the gmg command."""

from setuptools import find_namespace_packages, setup

INSTALL_REQUIRES = [
    "pyramid>=2.0,<3",
    "pyramid-jinja2>=2.10",
    "pyramid-tm>=2.5",
    "transaction>=4",
    "zope.sqlalchemy>=3.1",
    "sqlalchemy>=2.1,<2.2",  # 2.1: postgresql:// means psycopg 3
    "alembic>=1.13",
    "waitress>=3",
    "pastedeploy>=3",
    "plaster-pastedeploy>=1",
    "celery>=5.3,<6",
    "pillow>=11.3",
    "pillow-heif>=0.18",
    "itsdangerous>=2.1",
    "raven>=6.10",
    "configobj>=5.0.8",
    "wtforms>=3.1",
    "argon2-cffi>=23",
    "bcrypt>=4",
    "markdown>=3.5",
    "nh3>=0.2.15",
    "psycopg[binary]>=3.1",
    "redis>=5",
]

TESTS_REQUIRE = [
    "webtest>=3",
    "pytest>=8",
    "pytest-xdist>=3.5",
    "ruff>=0.6",
]

setup(
    name="goblin",
    version="0.1.0",
    description="A self-hosted media publishing site in the spirit of GNU MediaGoblin, on Pyramid",
    license="AGPL-3.0-or-later",
    packages=find_namespace_packages(include=["goblin", "goblin.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=INSTALL_REQUIRES,
    extras_require={"test": TESTS_REQUIRE},
    entry_points={
        "paste.app_factory": ["main = goblin:main"],
        "paste.server_runner": ["waitress = goblin.server:serve"],
        "console_scripts": ["gmg = goblin.gmg:main"],
    },
)
