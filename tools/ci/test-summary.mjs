// Prints the plain closing line CI reads ("N passed, N failed, N skipped") from Vitest's JSON report,
// so a run is judged by what it counted, not only by its exit code.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-output/vitest.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0) {
  console.error('vitest ran no test');
  process.exit(1);
}
