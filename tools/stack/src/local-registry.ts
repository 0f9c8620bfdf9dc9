import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid, startDetached, stopProcess } from './local-process';
import { mavenFetch } from './maven-fetch';
import { createDatabase } from './postgres-databases';
import { probeRegistry } from './probe-registry';
import type { StackConfig } from './stack-config';
import { StackError } from './stack-error';
import { javaBinary, stackPaths } from './stack-paths';
import { waitFor } from './wait-for';

const startDeadlineMs = 120_000;

/** The database Apicurio keeps its schemas in, so ids survive a registry restart. */
export const registryDatabaseName = 'sagaflow_schema_registry';

/** The Confluent-compatible base URL of the registry tools/stack runs. */
export function localRegistryUrl(config: StackConfig): string {
  return `http://127.0.0.1:${config.registryPort}/apis/ccompat/v7`;
}

/**
 * Fetches Apicurio Registry through Maven (once), unpacks it, and starts it as a detached java process
 * storing schemas in PostgreSQL; resolves with the Confluent API URL when `GET /subjects` answers.
 */
export async function startLocalRegistry(config: StackConfig, databaseUrl: string): Promise<string> {
  const paths = stackPaths(config);
  const url = localRegistryUrl(config);
  if (runningPid(paths.registryPid) === undefined) {
    await mavenFetch({
      part: 'schema-registry',
      pomPath: paths.registryPom,
      goal: 'dependency:copy',
      outputDirectory: paths.registryHome,
      properties: { 'apicurio.version': config.apicurioVersion },
      logPath: paths.mavenLog,
    });
    const runner = unpackedRunner(paths.registryHome);
    const storage = new URL(await createDatabase(databaseUrl, registryDatabaseName));
    const jdbc = `jdbc:postgresql://${storage.hostname}:${storage.port || '5432'}${storage.pathname}`;
    startDetached(
      javaBinary(),
      [
        '-Xms128m',
        '-Xmx512m',
        `-Dquarkus.http.port=${config.registryPort}`,
        '-Dquarkus.http.host=127.0.0.1',
        '-Dapicurio.storage.sql.kind=postgresql',
        `-Dapicurio.datasource.url=${jdbc}`,
        `-Dapicurio.datasource.username=${decodeURIComponent(storage.username) || 'postgres'}`,
        `-Dapicurio.datasource.password=${decodeURIComponent(storage.password)}`,
        '-jar',
        runner,
      ],
      { pidFile: paths.registryPid, logPath: paths.registryLog, cwd: paths.registryHome },
    );
  }
  try {
    await waitFor(
      async () => {
        if (runningPid(paths.registryPid) === undefined) throw new Error('the registry process exited');
        await probeRegistry(url);
        return true;
      },
      { timeoutMs: startDeadlineMs, intervalMs: 500, description: `the schema registry at ${url} to answer` },
    );
  } catch (error) {
    throw new StackError('schema-registry', `Apicurio Registry did not become ready at ${url}`, {
      hint: `the end of the log; whether port ${config.registryPort} is taken; whether PostgreSQL accepts the registry's connection`,
      logPath: paths.registryLog,
      cause: error,
    });
  }
  await setGlobalCompatibility(url, 'BACKWARD');
  return url;
}

/**
 * Makes the registry enforce DESIGN.md's compatibility for every subject that does not set its own.
 */
export async function setGlobalCompatibility(url: string, level: 'BACKWARD'): Promise<void> {
  const response = await fetch(`${url}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: level }),
  });
  if (!response.ok) {
    throw new StackError('schema-registry', `PUT ${url}/config answered ${response.status}`, {
      hint: await response.text(),
    });
  }
}

/** Stops the registry tools/stack started. */
export function stopLocalRegistry(config: StackConfig): Promise<boolean> {
  return stopProcess(stackPaths(config).registryPid);
}

function unpackedRunner(home: string): string {
  const find = () => readdirSync(home).find((f) => f.endsWith('-runner.jar') || f === 'quarkus-run.jar');
  let runner = find();
  if (!runner) {
    const archive = join(home, 'apicurio-registry-app.tar.gz');
    if (!existsSync(archive)) {
      throw new StackError('schema-registry', `${archive} is missing`, {
        hint: `delete ${home} so the next stack:up fetches it again`,
      });
    }
    const untar = spawnSync('tar', ['xzf', archive, '-C', home], { encoding: 'utf8' });
    if (untar.status !== 0) {
      throw new StackError('schema-registry', `unpacking ${archive} failed: ${untar.stderr}`, {
        hint: `free disk space; delete ${home} to fetch it again`,
      });
    }
    runner = find();
  }
  if (!runner) {
    throw new StackError('schema-registry', `no runnable jar found in ${home}`, {
      hint: 'the Apicurio archive layout; see tools/stack/maven/registry/pom.xml',
    });
  }
  return join(home, runner);
}
