"""The waitress runner behind ``use = egg:goblin#waitress`` in paste.ini.

It is waitress, except that ``pserve paste.ini http_port=8080`` overrides the port: PasteDeploy
gives command-line variables to the runner as ``global_conf`` but lets the file's own values
win in interpolation, so the override has to be applied here.
"""

from __future__ import annotations

import waitress


def serve(wsgi_app, global_conf, **kw):
    if global_conf.get("http_port"):
        kw["port"] = global_conf["http_port"]
    if global_conf.get("http_host"):
        kw["host"] = global_conf["http_host"]
    waitress.serve(wsgi_app, **kw)
    return 0
