import { describe, expect, it } from 'vitest';
import { countOf, diffBuckets, parseHopBuckets, quantileMs, sumBuckets } from './hop-histogram-diff';

const scrape = (stage: string, counts: [string, number][]) =>
  counts.map(([le, n]) => `sagaflow_hop_seconds_bucket{le="${le}",stage="${stage}"} ${n}`).join('\n');

describe('per-hop percentiles from scraped histograms', () => {
  it('subtracts the scrape before the phase and sums the services', () => {
    const before = parseHopBuckets(
      scrape('read_to_ack', [
        ['0.001', 5],
        ['0.01', 5],
        ['+Inf', 5],
      ]),
    );
    const a = parseHopBuckets(
      scrape('read_to_ack', [
        ['0.001', 5],
        ['0.01', 15],
        ['+Inf', 15],
      ]),
    );
    const b = parseHopBuckets(
      scrape('read_to_ack', [
        ['0.001', 0],
        ['0.01', 10],
        ['+Inf', 10],
      ]),
    );
    const phase = diffBuckets(sumBuckets([a, b]), before);
    expect(countOf(phase.get('read_to_ack'))).toBe(20);
    // all 20 of the phase fell between 1 and 10 ms: the median is interpolated halfway
    expect(quantileMs(phase.get('read_to_ack'), 0.5)).toBeCloseTo(5.5, 5);
  });

  it('is NaN for a stage that saw nothing', () => {
    expect(quantileMs(undefined, 0.99)).toBeNaN();
    expect(
      quantileMs(
        parseHopBuckets(
          scrape('x', [
            ['0.1', 0],
            ['+Inf', 0],
          ]),
        ).get('x'),
        0.5,
      ),
    ).toBeNaN();
  });
});
