// Finds wrk on PATH, or installs Debian's package (the bench runs as root on its machine); null means autocannon it is.
import { execFileSync } from "node:child_process";

const onPath = () => {
  try {
    return execFileSync("sh", ["-c", "command -v wrk"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
  } catch {
    return null;
  }
};

let found;

/** The path to wrk, or `{ path: null, why }` when neither PATH nor apt-get could supply it. */
export function findWrk(log = console.log) {
  if (found) return found;
  let path = onPath();
  if (path) return (found = { path, installed: false, why: null });
  log("wrk not on PATH: apt-get install -y wrk (it takes several times less CPU than autocannon per request)");
  try {
    const apt = { stdio: ["ignore", "ignore", "pipe"], timeout: 180_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
    execFileSync("apt-get", ["update"], apt);
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], apt);
  } catch (error) {
    const why = `apt-get install wrk failed (${String(error.stderr ?? error.message).trim().split("\n").at(-1)}); autocannon drives the load`;
    log(why);
    return (found = { path: null, installed: false, why });
  }
  path = onPath();
  return (found = path ? { path, installed: true, why: null } : { path: null, installed: false, why: "apt-get installed wrk, yet it is not on PATH; autocannon drives the load" });
}
