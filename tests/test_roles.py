"""File roles: rules check server code; tests, browser code and tooling are left alone."""

from __future__ import annotations

import pytest

from crashlint.dependencies import Manifest
from crashlint.roles import file_role, imports_server_code

NEXT_APP = Manifest("web/package.json", runtime=frozenset({"next", "react", "react-dom"}))
API = Manifest("api/package.json", runtime=frozenset({"express", "react"}))
CLI = Manifest("cli/package.json", runtime=frozenset({"axios", "commander"}), has_bin=True)
SDK = Manifest("sdk/package.json", runtime=frozenset({"axios"}))
# a private package that builds a page's scripts and stylesheets (no browser library imported)
ASSETS = Manifest("ui/package.json", dependencies={"gulp": "^4", "gulp-sass": "^5", "bower": "^1"}, private=True)
ASSETS_PUBLISHED = Manifest("ui/package.json", dependencies={"esbuild": "^0.20", "sass": "^1"})
WORKER = Manifest("worker/package.json", dependencies={"bullmq": "^5", "esbuild": "^0.20"}, private=True)


@pytest.mark.parametrize(
    ("path", "language", "ui", "manifest", "server_imports", "cli", "role"),
    [
        ("src/app.ts", "typescript", False, None, False, False, "server"),
        ("src/app.test.ts", "typescript", False, None, False, False, "test"),
        ("src/__tests__/app.ts", "typescript", False, None, False, False, "test"),
        ("mvis/test-embed/index.js", "javascript", False, None, False, False, "test"),  # a folder named for testing
        # a parser test's sample input (DefectDojo's unittests/scans/njsscan/server.js): test data
        ("unittests/scans/njsscan/server.js", "javascript", False, None, False, False, "test"),
        ("front/js/sse_manager.js", "javascript", False, None, False, False, "browser"),  # NetAlertX's page scripts
        ("src/tests-integration/server.ts", "typescript", False, None, False, False, "test"),
        ("src/test_harness/server.ts", "typescript", False, None, False, False, "server"),
        ("src/testimonials/server.ts", "typescript", False, None, False, False, "server"),
        ("apps/api/e2e/users.e2e.ts", "typescript", False, None, False, False, "test"),
        ("tests/test_views.py", "python", False, None, False, False, "test"),
        ("app/conftest.py", "python", False, None, False, False, "test"),
        ("scripts/release.ts", "typescript", False, None, False, False, "tooling"),
        ("src/client.backup.ts", "typescript", False, None, False, False, "tooling"),
        ("src/dump.js", "javascript", False, None, False, True, "tooling"),
        ("cli/src/commands/sync.ts", "typescript", False, CLI, False, False, "tooling"),
        ("web/src/components/A.tsx", "typescript", True, NEXT_APP, False, False, "browser"),
        ("web/src/lib/api.ts", "typescript", False, NEXT_APP, False, False, "browser"),
        ("web/src/pages/api/users.ts", "typescript", False, NEXT_APP, False, False, "server"),
        ("web/src/app/api/users/route.ts", "typescript", False, NEXT_APP, False, False, "server"),
        ("web/src/features/billing/server/stripe.ts", "typescript", False, NEXT_APP, False, False, "server"),
        ("web/src/features/billing/stripe.ts", "typescript", False, NEXT_APP, True, False, "server"),
        ("api/src/emails/welcome.ts", "typescript", False, API, False, False, "server"),
        ("sdk/src/index.ts", "typescript", False, SDK, False, False, "server"),
        ("app/static/js/main.js", "javascript", False, None, False, False, "browser"),
        # ASP.NET Core's web root, and service worker scripts, are the browser's
        ("admin/Client/wwwroot/app.js", "javascript", False, None, False, False, "browser"),
        ("admin/Client/wwwroot/service-worker.published.js", "javascript", False, None, False, False, "browser"),
        ("src/sw.ts", "typescript", False, API, False, False, "browser"),
        ("src/service-worker.js", "javascript", False, None, False, False, "browser"),
        ("src/swarm.ts", "typescript", False, None, False, False, "server"),
        ("app/views.py", "python", False, None, False, False, "server"),
        ("ui/src/plugins/movies/movies.component.js", "javascript", False, ASSETS, False, False, "browser"),
        ("ui/src/server/server.service.js", "javascript", False, ASSETS, False, False, "server"),  # marked by path
        ("ui/src/index.ts", "typescript", False, ASSETS_PUBLISHED, False, False, "server"),  # not private
        ("worker/src/index.ts", "typescript", False, WORKER, False, False, "server"),  # no page tooling
    ],
)
def test_file_role(path, language, ui, manifest, server_imports, cli, role) -> None:
    assert file_role(path, language, ui, manifest, server_imports, cli) == role


def test_server_imports() -> None:
    assert imports_server_code(["server-only"]) and imports_server_code(["node:fs"])
    assert imports_server_code(["@acme/shared/src/server"]) and imports_server_code(["../server/db"])
    assert not imports_server_code(["react", "./serverless-config", "@/lib/api"])


@pytest.mark.parametrize("path, role", [
    # pgAdmin's page scripts sit under `static/` inside the Flask blueprint of its "servers" tree node
    ("web/pgadmin/browser/server_groups/servers/static/js/server.js", "browser"),
    ("server/public/app.js", "browser"),  # a Node app's public folder: what it serves to pages
    ("frontend/server/api.js", "server"),  # the server folder is the deeper one
    ("static/js/route.js", "server"),  # a marker in the file's own name
    ("public/render.server.js", "server"),
])
def test_the_deeper_of_an_asset_folder_and_a_server_folder_decides(path: str, role: str) -> None:
    assert file_role(path, "javascript", False, None) == role
