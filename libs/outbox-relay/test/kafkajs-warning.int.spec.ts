import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

// Node 23+ prints TimeoutNegativeWarning once per process, the first time KafkaJS 2.2.4's request queue arms
// its negative timer (see src/kafka/kafkajs-request-queue-fix.ts). Only a fresh process shows whether it
// happens, so each case runs one: a KafkaJS client that talks to the broker, with and without the fix.
const repoRoot = resolve(__dirname, '../../..');
const generated = join(__dirname, '.generated');
const nodeMajor = Number(process.versions.node.split('.')[0]);

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

/** A script that loads (or not) @sagaflow/outbox-relay, then connects an admin client and asks for metadata. */
function clientScript(name: string, withLibrary: boolean): string {
  mkdirSync(generated, { recursive: true });
  const file = join(generated, `${name}.ts`);
  writeFileSync(
    file,
    `${withLibrary ? `import '${resolve(__dirname, '../src/index')}';\n` : ''}import { Kafka, logLevel } from 'kafkajs';
const kafka = new Kafka({ clientId: '${name}', brokers: process.env.BROKERS!.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
void (async () => {
  await admin.connect();
  await admin.describeCluster();
  await admin.listTopics();
  await new Promise((r) => setTimeout(r, 300));
  await admin.disconnect();
  console.log('done');
})();
`,
  );
  return file;
}

describe.skipIf(nodeMajor < 23)('no TimeoutNegativeWarning from KafkaJS on Node 23+', () => {
  const stack = inject('stack');
  const env = { BROKERS: stack.kafkaBrokers.join(',') };

  it('a bare KafkaJS 2.2.4 client prints it (so the cases below can see it)', async () => {
    const { code, output } = await run([clientScript('kafkajs-bare', false)], env);
    expect(code).toBe(0);
    expect(output).toContain('TimeoutNegativeWarning');
  });

  it('a client in a process that loaded @sagaflow/outbox-relay prints nothing', async () => {
    const { code, output } = await run([clientScript('kafkajs-with-sagaflow', true)], env);
    expect(code, output).toBe(0);
    expect(output).toContain('done');
    expect(output).not.toContain('TimeoutNegativeWarning');
  });

  it('npm run stack:status prints nothing', async () => {
    const { output } = await run(['tools/stack/src/cli.ts', 'status']);
    expect(output).toMatch(/kafka/i);
    expect(output).not.toContain('TimeoutNegativeWarning');
  });

  it("tools/stack's copy of the fix is the library's, byte for byte", () => {
    const copy = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
    expect(copy('tools/stack/src/kafkajs-request-queue-fix.ts')).toBe(
      copy('libs/outbox-relay/src/kafka/kafkajs-request-queue-fix.ts'),
    );
  });
});
