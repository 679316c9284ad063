import { defineConfig } from "vitest/config";

// The HTTP suites run twice: on SQLite with everything else, and on PostgreSQL when one is reachable.
const { postgresSkipReason } = await import("./test/support/databases.js");
const postgresSkip = await postgresSkipReason();
const postgresAvailable = postgresSkip === null;
if (!postgresAvailable) {
  console.warn(`\n*** PostgreSQL suites SKIPPED: ${postgresSkip}. Set TEST_DATABASE_URL to run them. ***\n`);
}

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own server and database; two cores, so two forks.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { extends: true, test: { name: "all", include: ["test/**/*.test.ts"] } },
      ...(postgresAvailable
        ? [
            {
              extends: true as const,
              test: {
                name: "http-on-postgres",
                include: ["test/http/**/*.test.ts", "test/contract/client.test.ts"],
                env: { LYFTR_TEST_DATABASE: "postgres" },
              },
            },
          ]
        : []),
    ],
  },
});
