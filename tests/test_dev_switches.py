"""Development switches one level down (issue 14 class 1; rev14-ts lesson 3, graasp): code under
`if (DEV)` where `DEV = NODE_ENV === Environment.development` is declared in another module, the
functions only such code calls, and Vite's `import.meta.env.DEV`, never run in the production
process; `crashlint processes --why` says which lines and functions of a loaded file are so.
Directory loaders (lesson 5, pelias): `requireAll(path.join(__dirname, "../controller"))` loads
every module of the folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from crashlint.parse import parse_source
from crashlint.scan import process_model
from helpers import write_project as _write


def _facts(source: str, name: str = "a.ts"):
    return parse_source(name, "typescript" if name.endswith(".ts") else "javascript", source.encode()).facts


@pytest.mark.parametrize("test", [
    "DEV", "IS_DEV", "__DEV__", "import.meta.env.DEV", "config.isDevEnv",
    "NODE_ENV === Environment.development", "process.env.NODE_ENV === Env.Development",
    "Environment.development === NODE_ENV", "process.env.NODE_ENV !== 'production'",
])
def test_development_tests(test: str) -> None:
    facts = _facts(f"if ({test}) {{\n  start();\n}}\nserve();\n")
    assert [facts.calls[i].callee for i in facts.dev_calls] == [("start",)]
    assert facts.dev_lines == ((1, 3),)


@pytest.mark.parametrize("test", [
    "!DEV", "PROD", "DEV || STAGING", "NODE_ENV === Environment.production", "DEVICE", "isDevice",
    "process.env.NODE_ENV === 'production'",
])
def test_tests_that_hold_in_production(test: str) -> None:
    facts = _facts(f"if ({test}) {{\n  start();\n}}\n")
    assert facts.dev_calls == () and facts.dev_lines == ()


def test_a_flag_declared_in_the_file_and_one_declared_elsewhere() -> None:
    facts = _facts("import { isLocal } from './env';\nconst local = process.env.NODE_ENV === 'development';\n"
                   "if (local) {\n  a();\n}\nif (isLocal) {\n  b();\n}\nif (other) {\n  c();\n}\n")
    assert [facts.calls[i].callee for i in facts.dev_calls] == [("a",)]
    assert facts.dev_flags == ("local",)
    assert facts.flag_lines == (("isLocal", 6, 8),)  # the process model asks env.ts what it is
    assert [(name, [facts.calls[i].callee for i in calls]) for name, calls in facts.flag_calls] == [("isLocal", [("b",)])]


GRAASP = {
    "package.json": '{"name": "api", "main": "dist/server.js", "scripts": {"start": "node dist/server.js"},'
                    ' "dependencies": {"fastify": "^4.28.0", "ioredis": "^5.4.0"}}',
    "tsconfig.json": '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}',
    "src/env.ts": "export const isLocal = process.env.NODE_ENV === 'development';\n"
                  "export const STAGING = process.env.NODE_ENV === 'staging';\n",
    "src/cache.ts": "import { Redis } from 'ioredis';\nexport async function bust() {\n  const r = new Redis();\n  await r.flushall();\n}\n"
                    "export async function warm() {\n  const r = new Redis();\n  await r.set('k', '1');\n}\n",
    "src/server.ts": "import Fastify from 'fastify';\nimport { bust, warm } from './cache';\nimport { isLocal, STAGING } from './env';\n"
                     "const app = Fastify();\napp.get('/a', async () => 1);\napp.get('/b', async () => 2);\n"
                     "await app.listen({ port: 3000 });\nif (isLocal) {\n  await bust();\n}\nif (STAGING) {\n  await warm();\n}\n",
}


def test_what_only_an_imported_development_flag_reaches_is_development_code(tmp_path: Path) -> None:
    _write(tmp_path, GRAASP)
    _, model, _ = process_model([str(tmp_path)])
    assert not model.runs_long("src/cache.ts", 3)  # in bust(), called only under `if (isLocal)`
    assert model.runs_long("src/cache.ts", 7)  # in warm(), called under `if (STAGING)`
    assert model.development_only("src/server.ts") == [
        "lines 8-10: under `if (isLocal)`, a flag its module declares with a development test"]
    assert model.development_only("src/cache.ts") == [
        "`bust` (line 2): called only under a development switch (src/server.ts:9)"]
    assert model.development_only("src/env.ts") == []


def test_directory_loaders_name_their_folders() -> None:
    facts = _facts("const path = require('path');\nconst requireAll = require('require-all');\n"
                   "const requireDir = require('require-dir');\n"
                   "const c = requireAll(path.join(__dirname, '../controller'));\n"
                   "const m = requireAll({ dirname: __dirname + '/middleware', filter: /js$/ });\n"
                   "const s = requireDir('./sanitizer');\nconst t = require('require-dir')(`${__dirname}/tasks`);\n"
                   "const q = requireAll('./query');\n", "routes/v1.js")
    assert facts.dynamic_loads == 4
    # require-all reads a relative string from the working folder, not the file's: any module
    assert facts.dynamic_dirs == ("*", "../controller", "./middleware", "./sanitizer", "./tasks")


def test_a_function_named_so_without_the_package_loads_nothing() -> None:
    facts = _facts("function requireAll(dir) { return dir; }\nconst c = requireAll('./controller');\n", "a.js")
    assert facts.dynamic_loads == 0 and facts.dynamic_dirs == ()


def test_require_handed_to_a_listing_loads_the_listed_folder() -> None:
    facts = _facts("const glob = require('glob');\nconst path = require('path');\n"
                   "glob.sync(path.join(__dirname, 'models/**/*.js')).forEach(require);\n"
                   "glob.sync(__dirname + '/jobs/*.js').map(require);\n", "app.js")
    assert facts.dynamic_loads == 3 and facts.dynamic_dirs == ("./jobs", "./models")
    facts = _facts("const glob = require('glob');\nglob.sync('src/models/*.js').forEach(require);\n", "app.js")
    assert facts.dynamic_dirs == ("*",)  # a relative pattern is read from the working folder
    facts = _facts("names.forEach(console.log);\nnames.forEach((n) => require.resolve(n));\n", "app.js")
    assert facts.dynamic_loads == 0


def test_a_listing_beside_a_computed_require() -> None:
    facts = _facts("const glob = require('glob');\nconst load = (f) => require(`./plugins/${f}`);\n"
                   "glob.sync(__dirname + '/jobs/*.js').forEach(require);\n", "app.js")
    assert facts.dynamic_loads == 2 and facts.dynamic_dirs == ("./jobs", "./plugins")
