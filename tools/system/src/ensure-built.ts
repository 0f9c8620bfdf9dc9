import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@sagaflow/stack';
import type { SystemService } from './system-services';

/** Where a process's built entry point is. */
export function mainOf(service: SystemService, root = repoRoot): string {
  return join(root, 'apps', service, 'dist', 'main.js');
}

// What a saga service is compiled from besides its own sources.
const libraries = ['libs/outbox-relay', 'libs/saga-core', 'libs/contracts', 'libs/service-kit'];

/**
 * True when `service`'s `dist/main.js` is missing or older than a source file of it or of a library it
 * is built from, i.e. running it would not run the code in the working tree.
 */
export function isStale(service: SystemService, root = repoRoot): boolean {
  const main = mainOf(service, root);
  if (!existsSync(main)) return true;
  const built = statSync(main).mtimeMs;
  const sources = [
    `apps/${service}/src`,
    ...(service === 'saga-monitor' ? [] : libraries.map((l) => `${l}/src`)),
  ];
  return sources.some((dir) => newestMtime(join(root, dir)) > built);
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds the given processes (and the libraries they use) with Nx when one of them is stale. Nx caches
 * by content, so an up-to-date tree costs seconds. Output goes to `log`.
 * @throws Error with Nx's exit code when the build fails.
 */
export function ensureBuilt(
  services: readonly SystemService[],
  log: (line: string) => void = console.log,
): void {
  const stale = services.filter((s) => isStale(s));
  if (stale.length === 0) return;
  log(`building ${stale.join(', ')} (nx, cached) …`);
  const run = () =>
    spawnSync(
      join(repoRoot, 'node_modules', '.bin', 'nx'),
      ['run-many', '-t', 'build', '--outputStyle=static', '-p', ...services.map((s) => `@sagaflow/${s}`)],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } },
    );
  // a second try: another Nx run in the same workspace (a parallel build or test) can hold its lock
  let result = run();
  if (result.status !== 0) result = run();
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`nx build of ${services.join(', ')} failed with exit code ${result.status}:\n${output}`);
  }
}
