"""Every HTML response the app can send carries the framing, CSP and referrer headers: the test walks
the routes the app declares (included routers too) and the HTML files of every static mount, and
asks the live server for each."""
from __future__ import annotations

import hashlib
import base64
from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from service.middleware import content_security_policy

# Known HTML routes: the walk must find at least these (a walk that finds nothing proves nothing).
KNOWN_HTML = {"/", "/lookup", "/docs", "/docs/oauth2-redirect", "/static/index.html", "/static/lookup.html"}


def declared_get_paths(routes, prefix: str = "") -> set[str]:
    """Every GET path of the app: routes (path parameters filled with a placeholder), routes of
    included routers, and each file of a static mount whose name ends in .html/.htm."""
    paths: set[str] = set()
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI wraps an included router with its context
            paths |= declared_get_paths(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Mount) and isinstance(route.app, StaticFiles):
            for directory in route.app.all_directories:
                for f in Path(directory).rglob("*"):
                    if f.suffix.lower() in (".html", ".htm"):
                        paths.add(prefix + route.path + "/" + f.relative_to(directory).as_posix())
        elif isinstance(route, Mount):
            paths |= declared_get_paths(route.routes, prefix + route.path)
        elif isinstance(route, Route) and "GET" in (route.methods or ()):
            path = route.path
            for name in route.param_convertors:
                path = path.replace("{" + name + "}", "x").replace("{" + name + ":path}", "x")
            paths.add(prefix + path)
    return paths


def test_every_html_response_has_the_security_headers(service_app, client):
    paths = declared_get_paths(service_app.routes)
    html = set()
    for path in sorted(paths):
        r = client.get(path)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        html.add(path)
        assert r.status_code == 200, path
        csp = r.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp, (path, csp)
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, (path, csp)
        assert r.headers.get("x-frame-options") == "DENY", path
        assert r.headers.get("referrer-policy") == "no-referrer", path
        assert r.headers.get("x-content-type-options") == "nosniff", path
        assert r.headers.get_list("content-security-policy") == [csp], "one policy, not two"
    assert KNOWN_HTML <= html, KNOWN_HTML - html


def test_inline_scripts_are_allowed_by_hash_only(client):
    """The API docs page starts Swagger UI from an inline script: the policy names exactly its hash."""
    r = client.get("/docs")
    body = r.content
    start = body.index(b"<script>") + len(b"<script>")
    script = body[start:body.index(b"</script>", start)]
    digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
    assert f"'sha256-{digest}'" in r.headers["content-security-policy"]
    assert r.headers["content-security-policy"] == content_security_policy(body)


def test_json_responses_are_untouched(client):
    r = client.get("/healthz")
    assert r.headers["content-type"].startswith("application/json")
    assert "content-security-policy" not in r.headers and r.headers["x-content-type-options"] == "nosniff"
