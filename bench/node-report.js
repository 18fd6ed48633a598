// node-report.js - bench/node.sh's report: Markdown tables from its
// results file (one line a run: "PROTO WHICH ok N errors M ms T cpu_ms C
// rss_kib R", bench/node-bench.js) and whether the targets are met.
//   node node-report.js RESULTS N PACKAGE_VERSION SDK_VERSION
'use strict';
const [file, n, pkgVersion, sdkVersion] = process.argv.slice(2);
const rows = require("fs").readFileSync(file, "utf8").trim().split("\n").map((l) => {
  const f = l.split(" "); const o = { proto: f[0], name: f[1] };
  for (let i = 2; i < f.length; i += 2) o[f[i]] = Number(f[i + 1]);
  o.rps = o.ok / (o.ms / 1000); o.cpuReq = o.cpu_ms * 1000 / o.ok;
  return o;
});
const names = { addon: `anthropic-c ${pkgVersion} (npm tarball)`, sdk: `@anthropic-ai/sdk ${sdkVersion}`,
  http: "plain node:http", http2: "plain node:http2" };
const titles = { http1: "HTTP/1.1", h2: "HTTP/2 + TLS" };
const x = (v) => `${v.toFixed(2)}x`;
for (const proto of ["http1", "h2"]) {
  const rs = rows.filter((r) => r.proto === proto);
  if (!rs.length) continue;
  const sdk = rs.find((r) => r.name === "sdk");
  console.log(`\n### ${titles[proto]}: ${n} retrieves, 64 in flight\n`);
  console.log("| client | wall | requests/s | CPU | CPU per request | peak RSS | throughput vs the SDK | CPU per request vs the SDK |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rs) {
    let name = names[r.name];
    if (r.name === "http" && proto === "h2") name = "plain node:https (HTTP/1.1 over TLS)";
    console.log(`| ${name} | ${(r.ms / 1000).toFixed(2)} s | ${Math.round(r.rps)} | ${(r.cpu_ms / 1000).toFixed(2)} s | ${r.cpuReq.toFixed(1)} us | ${(r.rss_kib / 1024).toFixed(1)} MiB | ${sdk ? x(r.rps / sdk.rps) : "-"} | ${sdk ? x(r.cpuReq / sdk.cpuReq) : "-"} |`);
  }
  const a = rs.find((r) => r.name === "addon");
  if (!a || !sdk) continue;
  const met = (ok) => (ok ? "met" : "NOT met");
  console.log(`\nTargets over ${titles[proto]}:\n`);
  console.log(`- throughput ${x(a.rps / sdk.rps)} the SDK's (at least 10x): ${met(a.rps >= 10 * sdk.rps)}`);
  console.log(`- CPU per request ${x(a.cpuReq / sdk.cpuReq)} the SDK's (at most 0.20x): ${met(a.cpuReq <= sdk.cpuReq / 5)}`);
  for (const p of rs.filter((r) => r.name === "http" || r.name === "http2")) {
    const name = p.name === "http" ? (proto === "h2" ? "node:https" : "node:http") : "node:http2";
    console.log(`- ahead of plain ${name} (throughput ${x(a.rps / p.rps)}, CPU per request ${x(a.cpuReq / p.cpuReq)}): ${met(a.rps > p.rps && a.cpuReq < p.cpuReq)}`);
  }
}
