import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; CI installs it with apt-get (see docs/guides/monitor.md). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium as root in a container: no sandbox, no GPU, nothing phoning home. Playwright gives
 * every launch a fresh temporary profile (--user-data-dir) and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
