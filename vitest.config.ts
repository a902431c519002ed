import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Fixture models are generated once, before any test file loads them.
    globalSetup: ['./harness/test-global-setup.ts'],
    // Tests spawn real llama.cpp workers; on a 2-core machine more parallel files only thrash.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
