"""What a file is for: server code, tests, browser code, or tooling.

crashlint is about servers that hang and crash in production. A `fetch` with no timeout in a
React component, an e2e test or a release script is not that, and a senior engineer would call a
finding there noise. Rules name the roles they apply to (`roles = ["server"]`, the default).
"""

from __future__ import annotations

import posixpath
import re

from crashlint.dependencies import Manifest

ROLES = ("server", "test", "browser", "tooling")

TEST_DIRS = frozenset(
    {"test", "tests", "__tests__", "__test__", "__mocks__", "e2e", "__e2e__", "e2e-tests", "e2e_tests",
     "cypress", "playwright", "spec", "specs", "testing", "test-utils", "testutils", "mocks", "stories",
     "integration-tests", "integration_tests"}
)
TEST_FILE = re.compile(
    r"(\.(test|spec|e2e|e2e-spec|cy|stories|bench)\.[cm]?[jt]sx?$)|(^test_.*\.py$)|(_test\.py$)|(^conftest\.py$)"
)
TOOLING_DIRS = frozenset(
    {"scripts", "script", "examples", "example", ".github", "tools", "benchmarks", "benchmark", "bench",
     "docs", "doc", "dev", "seed", "seeds", "seeders", "cookbook", "playground", "demo", "demos"}
)
BROWSER_DIRS = frozenset({"frontend", "front-end", "public", "static", "assets", "themes", "www", "webapp"})
# Path parts that mark server code even inside a package that is mostly front end (Next.js API
# routes, server actions, workers).
SERVER_MARKERS = re.compile(r"(^|/)(api|server|servers|backend|back-end|worker|workers|jobs|queues)(/|$)|\.server\.[jt]sx?$|(^|/)(route|middleware)\.[jt]s$")
FRONTEND_DEPENDENCIES = frozenset(
    {"react-dom", "react-native", "vue", "nuxt", "svelte", "@sveltejs/kit", "@angular/core", "solid-js",
     "preact", "next", "@remix-run/react", "astro", "gatsby", "expo", "vite"}
)
SERVER_DEPENDENCIES = frozenset(
    {"express", "fastify", "koa", "@nestjs/core", "@hapi/hapi", "hapi", "hono", "restify", "bullmq", "bull",
     "mongoose", "pg", "mysql2", "ioredis", "redis", "@prisma/client", "typeorm", "sequelize", "knex", "ws",
     "socket.io", "@aws-sdk/client-s3", "kafkajs", "amqplib"}
)


def file_role(path: str, language: str, ui: bool, manifest: Manifest | None) -> str:
    """The role of one file; `ui` says the file renders JSX or declares "use client"."""
    directory, name = posixpath.split(path)
    parts = directory.split("/") if directory else []
    lowered = [p.lower() for p in parts]
    if TEST_FILE.search(name) or any(p in TEST_DIRS for p in lowered):
        return "test"
    if any(p in TOOLING_DIRS for p in lowered):
        return "tooling"
    if language == "python":
        return "server"
    if ui:
        return "browser"
    if any(p in BROWSER_DIRS for p in lowered) and not SERVER_MARKERS.search(path):
        return "browser"
    if manifest is not None:
        deps = manifest.dependencies.keys()
        if FRONTEND_DEPENDENCIES & deps and not SERVER_MARKERS.search(path):
            if not (SERVER_DEPENDENCIES & deps):
                return "browser"  # a front-end package: its fetches run in a browser
    return "server"
