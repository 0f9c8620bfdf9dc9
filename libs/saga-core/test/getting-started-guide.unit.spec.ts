import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// docs/guides/getting-started.md shows the starter (examples/starter) file by file: each code block sits
// under `<!-- file: path -->`. This spec keeps the guide and the starter one thing: every block is its file,
// every source file of the starter is shown, and the starter type-checks (against the workspace's sources
// here; against the packed tarballs, and run on the stack, in tools/ci/test-starter.sh).
const repoRoot = resolve(__dirname, '../../..');
const starter = join(repoRoot, 'examples/starter');
const guide = readFileSync(join(repoRoot, 'docs/guides/getting-started.md'), 'utf8');
const shown = [...guide.matchAll(/<!-- file: (\S+) -->\n\n```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  path: m[1]!,
  code: m[3]!,
}));

describe('docs/guides/getting-started.md', () => {
  it('shows every file it names exactly as the starter has it', () => {
    expect(shown.length).toBeGreaterThan(5);
    for (const { path, code } of shown) {
      expect(code, path).toBe(readFileSync(join(repoRoot, path), 'utf8'));
    }
  });

  it('has no TypeScript block that is not a file of the starter', () => {
    const blocks = [...guide.matchAll(/```ts\n/g)].length;
    expect(shown.filter((s) => s.path.endsWith('ts')).length).toBe(blocks);
  });

  it('shows every source and test file of the starter, and its package.json and tsconfig.json', () => {
    const files = ['src', 'test'].flatMap((dir) =>
      readdirSync(join(starter, dir)).map((f) => `examples/starter/${dir}/${f}`),
    );
    const paths = shown.map((s) => s.path);
    for (const f of [...files, 'examples/starter/package.json', 'examples/starter/tsconfig.json']) {
      expect(paths, f).toContain(f);
    }
  });

  it('the starter type-checks with its own tsconfig.json', () => {
    const { config } = ts.readConfigFile(join(starter, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, starter);
    // The packages resolve to the workspace's sources, as they do everywhere in the monorepo's checks.
    const base = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), ts.sys.readFile).config;
    const paths = Object.fromEntries(
      Object.entries(base.compilerOptions.paths as Record<string, string[]>).map(([name, [target]]) => [
        name,
        [resolve(repoRoot, target!)],
      ]),
    );
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, paths, noEmit: true });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.startsWith(starter))
      .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
