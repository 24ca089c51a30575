"""Which process runs a module (issue 14, session 20): demo apps, samples and load-test scripts
beside the service, and programs started from a path in a string.

Each test writes a small project shaped like the real one it comes from (Metlo's `sample-service/`
demo servers, bbb-webrtc-sfu's `stress/` scripts, Metlo's Bull sandboxed processor) and asks the
process model or runs a scan.
"""

from __future__ import annotations

from pathlib import Path

from helpers import write_project as _write
from test_processes import _found, _model

# the product: an Express API its own start command runs
API = {
    "backend/package.json": '{"name": "backend", "scripts": {"start": "node dist/index.js"}, "dependencies": {"express": "^4.18.0"}}',
    "backend/src/index.ts": ('import express from "express";\nconst app = express();\napp.get("/health", (req, res) => res.send("ok"));\n'
                             'app.get("/rates", (req, res) => { fetch("https://rates.example/today").then((r) => res.json(r)).catch(() => res.end()); });\n'
                             'app.listen(8080);\n'),
    "docker-compose.yaml": "services:\n  backend:\n    build: ./backend\n    command: yarn start\n",
}
# a demo server for trying the product: its own package.json start script and Dockerfile, no SIGTERM handler
DEMO_PACKAGE = '{"name": "sample-ecommerce", "scripts": {"start": "node dist/index.js"}, "dependencies": {"express": "^4.18.0"}}'
DEMO_SERVER = ('import express from "express";\nconst app = express();\n'
               'app.get("/products", (req, res) => { fetch("https://catalog.example/all").then((r) => res.json(r)).catch(() => res.end()); });\n'
               'app.listen(3000);\n')


def test_a_demo_server_in_a_sample_folder_is_not_the_service(tmp_path: Path) -> None:
    """Metlo's `sample-service/sample-ecommerce-express`: started only by its own package.json and
    Dockerfile, inside `sample-service/`; the product's docker-compose runs `backend` alone."""
    _write(tmp_path, {
        **API,
        "sample-service/sample-ecommerce-express/package.json": DEMO_PACKAGE,
        "sample-service/sample-ecommerce-express/Dockerfile": "FROM node:18\nCMD yarn start\n",
        "sample-service/sample-ecommerce-express/src/index.ts": DEMO_SERVER,
    })
    by_entry = {p.entry: p for p in _model(tmp_path).processes}
    demo = by_entry["sample-service/sample-ecommerce-express/src/index.ts"]
    assert demo.kind == "cli" and not demo.started
    assert "a demo, sample, load-test or mock program in `sample-service/`" in demo.evidence[0]
    assert by_entry["backend/src/index.ts"].kind == "server"
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "backend/src/index.ts")}


def test_a_demo_server_the_product_starts_stays_a_server(tmp_path: Path) -> None:
    """The near miss: a start command outside the folder (the root package.json's `start`) runs the
    program in `sample-store/`: it is what the project starts, whatever its folder is called."""
    _write(tmp_path, {
        "package.json": '{"name": "shop", "scripts": {"start": "node sample-store/server.js"}, "dependencies": {"express": "^4.18.0"}}',
        "sample-store/server.js": DEMO_SERVER.replace("import express from \"express\"", "const express = require(\"express\")"),
    })
    by_entry = {p.entry: p for p in _model(tmp_path).processes}
    assert by_entry["sample-store/server.js"].kind == "server"
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "sample-store/server.js")}


def test_a_stress_script_is_not_a_worker(tmp_path: Path) -> None:
    """bbb-webrtc-sfu's `stress/record-video-kms.js`: a load-test script run by hand that stops on
    SIGINT, with a `.then` chain and no `.catch` (CL003 reported it as a worker of the service)."""
    _write(tmp_path, {
        "package.json": '{"name": "sfu", "scripts": {"start": "node server.js"}, "dependencies": {"ws": "^8.0.0"}}',
        "server.js": ('const { WebSocketServer } = require("ws");\nconst wss = new WebSocketServer({ port: 3008 });\n'
                      'wss.on("error", (e) => console.error(e));\nprocess.on("SIGTERM", () => { wss.close(); process.exit(0); });\n'),
        "stress/record-video.js": ('const join = async () => { await fetch("http://localhost:3008/join"); };\n'
                                   'const record = async () => { await fetch("http://localhost:3008/record"); };\n'
                                   'join().then(record);\n'
                                   'const timer = setInterval(() => console.log("recording"), 1000);\n'
                                   'process.on("SIGINT", () => { clearInterval(timer); process.exit(0); });\n'),
    })
    by_entry = {p.entry: p for p in _model(tmp_path).processes}
    assert by_entry["stress/record-video.js"].kind == "cli"
    assert by_entry["server.js"].kind == "server"
    assert not {f for f in _found(tmp_path, select=["CL003", "CL008"]) if f[1].startswith("stress/")}


# a queue worker that hands its jobs to files it names by path: what those files call runs in its process
JOBS = {
    "package.json": '{"name": "jobs", "scripts": {"start": "node dist/jobs.js"}, "dependencies": {"bull": "^4.10.0", "axios": "^1.4.0", "piscina": "^4.0.0"}}',
    "src/report.ts": 'import axios from "axios";\nexport async function report(host: string) {\n  await axios.post("https://hosts.example/check", { host });\n}\n',
}


def test_a_bull_sandboxed_processor_named_by_dirname_plus_a_string_is_loaded(tmp_path: Path) -> None:
    """Metlo's jobs.ts: `queue.process(name, __dirname + "/services/jobs/processor.js")`: Bull runs
    the processor file for every job; its axios call with no timeout is the worker's."""
    _write(tmp_path, {
        **JOBS,
        "src/jobs.ts": ('import Queue from "bull";\nconst queue = new Queue("hosts", process.env.REDIS_URL);\n'
                        'queue.process("detect", __dirname + "/services/processor.js");\n'),
        "src/services/processor.ts": 'import { report } from "../report";\nexport default async (job: any) => report(job.data.host);\n',
    })
    model = _model(tmp_path)
    assert [p.entry for p in model.processes_of("src/services/processor.ts") if p.long_lived] == ["src/jobs.ts"]
    assert ("CL008", "src/report.ts") in _found(tmp_path, select=["CL008"])


def test_a_template_string_and_a_piscina_filename_name_thread_modules(tmp_path: Path) -> None:
    """`new Worker(`${__dirname}/resize.js`)` and `new Piscina({ filename: path.resolve(__dirname,
    "hash.js") })`: the modules each worker thread loads run in the process that starts them."""
    _write(tmp_path, {
        **JOBS,
        "src/jobs.ts": ('import Queue from "bull";\nimport path from "path";\nimport Piscina from "piscina";\n'
                        'import { Worker } from "worker_threads";\n'
                        'const pool = new Piscina({ filename: path.resolve(__dirname, "hash.js") });\n'
                        'new Worker(`${__dirname}/resize.js`);\n'
                        'const queue = new Queue("hosts", process.env.REDIS_URL);\n'
                        'queue.process(async (job: any) => pool.run(job.data));\n'),
        "src/hash.ts": 'import { report } from "./report";\nexport default async (host: string) => report(host);\n',
        "src/resize.ts": 'import axios from "axios";\naxios.get("https://images.example/next").then(() => undefined, () => undefined);\n',
    })
    model = _model(tmp_path)
    assert [p.entry for p in model.processes_of("src/hash.ts") if p.long_lived] == ["src/jobs.ts"]
    assert [p.entry for p in model.processes_of("src/resize.ts") if p.long_lived] == ["src/jobs.ts"]
    assert {("CL008", "src/report.ts"), ("CL008", "src/resize.ts")} <= _found(tmp_path, select=["CL008"])


def test_a_string_concatenation_that_is_not_dirname_names_no_file(tmp_path: Path) -> None:
    """The near miss: `process.cwd() + "/x.js"` and a Piscina with no `filename` name no project file
    crashlint can place: nothing is added to the worker."""
    _write(tmp_path, {
        **JOBS,
        "src/jobs.ts": ('import Queue from "bull";\nconst queue = new Queue("hosts", process.env.REDIS_URL);\n'
                        'queue.process("detect", process.cwd() + "/services/processor.js");\n'),
        "src/services/processor.ts": 'import { report } from "../report";\nexport default async (job: any) => report(job.data.host);\n',
    })
    model = _model(tmp_path)
    assert not any(p.long_lived for p in model.processes_of("src/services/processor.ts"))
