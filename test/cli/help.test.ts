// `lyftr --help` and each command's help (send, sign, export): every flag and environment variable documented; bad commands exit 2.
import { describe, expect, it } from "vitest";
import { lyftr } from "./support.js";

const SIGNING = ["--scheme", "--id", "--timestamp", "--secret-env", "--help", "WEBHOOK_SECRET"];
const FLAGS = {
  send: ["--message-id", "--from", "--to", "--ts", "--text", "--file", "--url", "LYFTR_URL", ...SIGNING],
  sign: ["--file", ...SIGNING],
  export: ["--format", "--from", "--to", "--since", "--until", "--q", "--order", "--out", "--url", "--timeout", "--help", "LYFTR_URL", "LYFTR_READ_TOKEN"],
};

describe("lyftr help", () => {
  it("documents every command, the environment and the exit codes", async () => {
    const run = await lyftr(["--help"]);
    expect(run.code).toBe(0);
    for (const word of ["lyftr send", "lyftr sign", "lyftr export", "WEBHOOK_SECRET", "LYFTR_URL", "Exit codes"]) {
      expect(run.stdout).toContain(word);
    }
  });

  it.each(Object.entries(FLAGS))("`%s --help` mentions every flag it accepts", async (command, flags) => {
    for (const args of [[command, "--help"], [command, "-h"], ["help", command]]) {
      const run = await lyftr(args);
      expect(run.code).toBe(0);
      for (const flag of flags) expect(run.stdout, `${args.join(" ")} mentions ${flag}`).toContain(flag);
    }
  });

  it("accepts every documented flag of a command (only help is asked for, so nothing runs)", async () => {
    for (const [command, flags] of Object.entries(FLAGS)) {
      const values = flags.filter((f) => f.startsWith("--") && f !== "--help").flatMap((f) => [`${f}=x`]);
      const run = await lyftr([command, ...values, "--help"]);
      expect({ command, code: run.code, stderr: run.stderr }).toEqual({ command, code: 0, stderr: "" });
    }
  });

  it("without a command prints the help on stderr and exits 2", async () => {
    const run = await lyftr([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("lyftr send");
  });

  it("refuses an unknown command or a flag before the command, with exit code 2", async () => {
    for (const args of [["frobnicate"], ["--url", "http://x", "send"]]) {
      const run = await lyftr(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^lyftr: unknown command \S+ \(see lyftr --help\)\n$/);
    }
  });
});
