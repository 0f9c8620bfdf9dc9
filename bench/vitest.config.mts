import { sagaflowProject } from '../vitest.shared.mjs';

// The benchmarks' own logic (percentiles from scraped histograms, the outcome mix); never a benchmark run.
export default sagaflowProject('bench', { include: ['**/*.unit.spec.ts'], exclude: ['node_modules/**'] });
