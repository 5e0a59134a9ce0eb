import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here: keep the worker count modest so emulator-backed suites do not starve.
    maxWorkers: 2,
  },
});
