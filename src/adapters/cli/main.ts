#!/usr/bin/env node
// The lyftr executable: the process edge (argv, env, stdin, exit code) around runCli.
import { runCli } from "./cli.js";

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  readStdin,
  stdinIsTty: process.stdin.isTTY === true,
  stdout: process.stdout,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
