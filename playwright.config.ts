import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded one (scripts/ensure-chromium.sh installs it). The
// flags keep it from reaching for the network, which this machine does not have.
export default defineConfig({
  testDir: 'tests/e2e',
  // *.slow.spec.ts (the get-started Flask tutorial with pip, ~6 min) only with DRYDOCK_SLOW=1:
  // beside the rest it passed CI's 30 minutes, as the slow guest files did.
  testIgnore: process.env.DRYDOCK_SLOW ? [] : ['**/*.slow.spec.ts'],
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: 'http://127.0.0.1:4173/',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
  webServer: {
    command: 'npx vite preview --host 127.0.0.1 --port 4173 --strictPort',
    url: 'http://127.0.0.1:4173/',
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
