// What a run must undo (child processes, temp dirs, schemas), undone once: on success, on error, on Ctrl-C or SIGTERM.
const tasks = [];
const children = new Set();
let running = null;
let interrupted = false;

/** True once Ctrl-C or SIGTERM arrived: the failures that follow are ours, not the server's. */
export const wasInterrupted = () => interrupted;

const withTimeout = (promise, ms) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

export const onCleanup = (task) => void tasks.push(task);

export function trackChild(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

const exited = (child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", resolve)));

export function cleanup() {
  running ??= (async () => {
    // Children first (they hold the files and schemas), politely, then firmly.
    const left = [...children];
    for (const child of left) child.kill("SIGTERM");
    await withTimeout(Promise.all(left.map(exited)), 5_000);
    for (const child of children) child.kill("SIGKILL");
    for (const task of tasks.splice(0).reverse()) {
      await withTimeout(Promise.resolve().then(task).catch((e) => console.error(`cleanup: ${e.message}`)), 15_000);
    }
  })();
  return running;
}

export function installCleanupHandlers() {
  // A child must not outlive us, even when we leave without running the async cleanup.
  process.on("exit", () => {
    for (const child of children) child.kill("SIGKILL");
  });
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
    process.on(signal, () => {
      if (interrupted) process.exit(code); // second Ctrl-C: leave now ('exit' still kills children)
      interrupted = true;
      console.error(`\n${signal}: stopping servers and load, removing temp files…`);
      cleanup().finally(() => process.exit(code));
    });
  }
}
