#!/usr/bin/env node
// sdk.node_sdk: the official Tencent Cloud Node SDK (tencentcloud-sdk-nodejs, pinned in
// package.json) as an independent client of `djharness mock --control`.
//
// usage: node node_sdk_check.js PATH/TO/djharness
// exit:  0 every outcome as expected, 1 a mismatch or an error, 77 the SDK cannot be required
//        (ctest reports the test as skipped; run `npm ci` in this folder).
//
// The SDK signs TC3-HMAC-SHA256 with the credential-scope service taken from the endpoint text
// up to its first '.', and signs `host` without the port (facts §11): against 127.0.0.1:PORT
// that is service "127" and host "127.0.0.1". The mock accepts both; a refusal here with
// AuthFailure.SignatureFailure means that acceptance regressed.
//
// Credentials are the mock's local default pair (harness/mock/mock_service.h); never printed.
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const http = require("http");
const path = require("path");
const readline = require("readline");

const SKIP = 77;

let sdk;
try {
  sdk = require("tencentcloud-sdk-nodejs");
} catch (e) {
  console.log(`SKIP: cannot require tencentcloud-sdk-nodejs (${e.code || e.message}); run \`npm ci\` in ${__dirname}`);
  process.exit(SKIP);
}

const djharness = process.argv[2];
if (!djharness) {
  console.error("usage: node node_sdk_check.js PATH/TO/djharness");
  process.exit(1);
}

// The mock's default pair, read from its header so the two never drift apart.
function defaultCredentials() {
  const header = path.join(__dirname, "..", "..", "harness", "mock", "mock_service.h");
  const text = fs.readFileSync(header, "utf8");
  const pick = (name) => {
    const m = text.match(new RegExp(`constexpr std::string_view ${name} = "([^"]*)";`));
    if (!m) throw new Error(`cannot read ${name} from ${header}`);
    return m[1];
  };
  return { secretId: pick("kDefaultSecretId"), secretKey: pick("kDefaultSecretKey") };
}

// ---------------------------------------------------------------------------------------------
// The mock process: started once, killed on every way out.

let mock = null;
function killMock() {
  if (mock && mock.exitCode === null && mock.signalCode === null) mock.kill("SIGTERM");
}
process.on("exit", killMock);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    console.error(`interrupted by ${sig}`);
    process.exit(1);
  });
}

// Resolves with the port from the first stdout line `listening on http://127.0.0.1:PORT`.
function startMock() {
  return new Promise((resolve, reject) => {
    mock = spawn(djharness, ["mock", "--port", "0", "--control"], { stdio: ["ignore", "pipe", "inherit"] });
    mock.on("error", (e) => reject(new Error(`cannot start ${djharness}: ${e.message}`)));
    mock.on("exit", (code, signal) => reject(new Error(`the mock exited early (code ${code}, signal ${signal})`)));
    const lines = readline.createInterface({ input: mock.stdout });
    let first = true;
    lines.on("line", (line) => {
      console.log(`mock: ${line}`);
      if (!first) return;
      first = false;
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`unexpected first line from the mock: ${line}`));
    });
  });
}

// Ends the mock and resolves with its exit status.
function stopMock() {
  return new Promise((resolve) => {
    if (mock.exitCode !== null || mock.signalCode !== null) return resolve(mock.exitCode);
    mock.removeAllListeners("exit");
    mock.on("exit", (code, signal) => resolve(code === null ? `signal ${signal}` : code));
    mock.kill("SIGTERM");
  });
}

// ---------------------------------------------------------------------------------------------
// The control extension (target-contract §2), over plain node:http.

function control(port, what, body) {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: `/_conformance/${what}`,
        method: "POST",
        agent: false,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) },
        timeout: 10000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`control ${what}: HTTP ${res.statusCode} ${text}`));
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(new Error(`control ${what}: not JSON: ${text}`));
          }
        });
      }
    );
    req.on("timeout", () => req.destroy(new Error(`control ${what}: timed out`)));
    req.on("error", reject);
    req.end(data);
  });
}

// ---------------------------------------------------------------------------------------------
// The checks.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const failures = [];

// Calls client[action](req) and compares with `expect`: {code} for an API error, or
// {ok: (response) => problem-or-null} for a success.
async function call(client, action, req, expect) {
  const shown = `${action} ${JSON.stringify(req)}`;
  let outcome;
  try {
    const resp = await client[action](req);
    outcome = { resp };
    console.log(`${shown} -> success ${JSON.stringify(resp)}`);
  } catch (e) {
    outcome = { err: e };
    if (e && e.code) {
      console.log(`${shown} -> error ${e.code}: ${e.message} (RequestId ${e.requestId})`);
    } else {
      console.log(`${shown} -> client-side failure: ${e && e.message}`);
    }
  }
  let problem = null;
  if (expect.code) {
    if (!outcome.err) problem = `expected error ${expect.code}, got success`;
    else if (outcome.err.code !== expect.code) problem = `expected error ${expect.code}, got ${outcome.err.code || "no code: " + outcome.err.message}`;
    else if (!UUID.test(outcome.err.requestId || "")) problem = `error without a lowercase uuid RequestId`;
  } else if (outcome.err) {
    problem = `expected success, got ${outcome.err.code || outcome.err.message}`;
  } else {
    problem = expect.ok(outcome.resp);
  }
  console.log(problem ? `  MISMATCH: ${problem}` : `  ok`);
  if (problem) failures.push(`${shown}: ${problem}`);
  return outcome;
}

async function main() {
  const credential = defaultCredentials();
  const port = await startMock();
  mock.removeAllListeners("exit");
  mock.on("exit", (code, signal) => {
    console.error(`FAIL: the mock exited during the check (code ${code}, signal ${signal})`);
    process.exit(1);
  });

  const running = (await control(port, "jobs", {
    JobState: "RUNNING",
    Tasks: [{ TaskName: "t0", InstanceStates: ["RUNNING"] }],
  })).JobId;
  const done = (await control(port, "jobs", {
    JobState: "SUCCEED",
    Tasks: [{ TaskName: "t0", InstanceStates: ["SUCCEED"] }],
  })).JobId;
  console.log(`created RUNNING job ${running} and SUCCEED job ${done} through /_conformance/jobs`);

  let unknown = "job-zz9zz9zz";
  if (unknown === running || unknown === done) unknown = "job-zz8zz8zz";

  const BatchClient = sdk.batch.v20170312.Client;
  const client = new BatchClient({
    credential,
    region: "ap-guangzhou",
    profile: {
      httpProfile: {
        endpoint: `127.0.0.1:${port}`,
        protocol: "http://",
        reqMethod: "POST",
        reqTimeout: 20,
        // An explicit agent: without one the SDK routes through $http_proxy when it is set
        // (common/http/fetch.js), which would send loopback traffic to a proxy.
        agent: new http.Agent({ keepAlive: false }),
      },
    },
  });

  const advance = () => control(port, "clock", { AdvanceMs: 1000 });
  const deleteJob = async (jobId, expect) => {
    await advance();
    return call(client, "DeleteJob", { JobId: jobId }, expect);
  };
  const requestIdOnly = (resp) =>
    !UUID.test(resp.RequestId || "") ? `RequestId ${JSON.stringify(resp.RequestId)} is not a lowercase uuid` : null;

  await deleteJob("job-F5DA1EDL", { code: "InvalidParameter.JobIdMalformed" });
  await deleteJob(unknown, { code: "ResourceNotFound.Job" });
  await deleteJob(running, { code: "UnsupportedOperation" });
  await call(client, "DescribeJob", { JobId: running }, {
    ok: (r) => (r.JobState !== "RUNNING" ? `a refused DeleteJob changed the job: JobState ${r.JobState}` : null),
  });
  await call(client, "DescribeJob", { JobId: done }, {
    ok: (r) =>
      r.JobId !== done ? `JobId ${r.JobId}, expected ${done}`
      : r.JobState !== "SUCCEED" ? `JobState ${r.JobState}, expected SUCCEED`
      : requestIdOnly(r),
  });
  await deleteJob(done, { ok: requestIdOnly });
  await call(client, "DescribeJob", { JobId: done }, { code: "ResourceNotFound.Job" });

  const status = await stopMock();
  if (status !== 0) failures.push(`the mock did not exit cleanly on SIGTERM (status ${status})`);

  if (failures.length) {
    console.error(`FAIL: ${failures.length} mismatch(es):\n  ${failures.join("\n  ")}`);
    return 1;
  }
  console.log("PASS: the official Node SDK's DeleteJob/DescribeJob outcomes match the spec against the mock");
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(`FAIL: ${e && e.stack ? e.stack : e}`);
    if (mock) await stopMock();  // reap it here; the exit hook could only signal it
    process.exit(1);
  }
);
