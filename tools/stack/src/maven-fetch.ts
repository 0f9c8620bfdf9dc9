import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './stack-error';

/** One `mvn` run that copies artifacts into `outputDirectory`, skipped when it already completed. */
export interface MavenFetch {
  /** Which part needs it, for errors. */
  part: 'kafka' | 'schema-registry';
  pomPath: string;
  /** `dependency:copy-dependencies` for a pom of jars, `dependency:copy` for a single archive. */
  goal: 'dependency:copy-dependencies' | 'dependency:copy';
  outputDirectory: string;
  properties: Record<string, string>;
  logPath: string;
}

/**
 * Runs Maven once per output directory; a `.complete` marker makes later calls free and makes an
 * interrupted download start over instead of leaving half a classpath.
 */
export async function mavenFetch(fetch: MavenFetch): Promise<void> {
  const marker = join(fetch.outputDirectory, '.complete');
  if (existsSync(marker)) return;
  mkdirSync(fetch.outputDirectory, { recursive: true });
  const args = [
    '-B',
    '-q',
    '-f',
    fetch.pomPath,
    fetch.goal,
    `-DoutputDirectory=${fetch.outputDirectory}`,
    ...Object.entries(fetch.properties).map(([k, v]) => `-D${k}=${v}`),
  ];
  if (fetch.goal === 'dependency:copy-dependencies') args.push('-DincludeScope=runtime');
  const log = openSync(fetch.logPath, 'a');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('mvn', args, { stdio: ['ignore', log, log] });
      child.on('error', reject);
      child.on('exit', resolve);
    }).catch((error: unknown) => {
      throw new StackError('maven', `could not run mvn for ${fetch.part}`, {
        hint: 'Maven (mvn) must be on PATH; Java 17 and Maven come with this machine',
        logPath: fetch.logPath,
        cause: error,
      });
    });
    if (code !== 0) {
      throw new StackError('maven', `mvn ${fetch.goal} for ${fetch.part} exited with ${code}`, {
        hint: `that Maven Central is reachable and ${fetch.pomPath} names served versions`,
        logPath: fetch.logPath,
      });
    }
  } finally {
    closeSync(log);
  }
  writeFileSync(marker, new Date().toISOString());
}
