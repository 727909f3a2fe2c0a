// Vitest settings. Timeouts only detect hangs (no test asserts a duration): they are generous
// because CLI, kernel and notebook tests spawn processes and CI machines may be busy.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
