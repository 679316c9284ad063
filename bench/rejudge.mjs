// Prints a saved run's tables again, judged by today's targets (targets.mjs): `node bench/rejudge.mjs bench/results/<file>.json`.
import { readFileSync } from "node:fs";
import { printTables } from "./report.mjs";
import { TARGETS, judgeDeepPages, judgeRow, judgeStream, runFacts } from "./targets.mjs";

const file = process.argv[2];
if (!file) throw new Error("usage: node bench/rejudge.mjs bench/results/<file>.json");
const saved = JSON.parse(readFileSync(file, "utf8"));
const facts = runFacts(saved.load, saved.run.database_kind);
for (const row of saved.load) row.verdict = judgeRow(row, facts);
for (const row of saved.stream ?? []) row.verdict = judgeStream(row);
console.log(`${file}: ${saved.run.mode} run on ${saved.run.database_kind}, commit ${saved.run.git_commit?.slice(0, 7)}, started ${saved.run.started_at}`);
console.log(`baseline peak RSS ${facts.baselinePeakRssMb} MB: app rows may peak at ${Math.round(facts.baselinePeakRssMb * TARGETS.rssVsBaseline)} MB`);
printTables({ rows: saved.load, startup: saved.startup, deepPages: judgeDeepPages(saved.load), stream: saved.stream ?? [], options: saved.run.options });
