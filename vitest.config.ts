import { defineConfig } from 'vitest/config';

// Two projects: `unit` (fast, no guest) and `guest` (boots the real v86 guest in Node).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'guest',
          include: ['tests/guest/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file boots its own guest; two at once fit the 2-core machine.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});
