import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './sagaflow-retire-service';

describe('sagaflow-retire-service', () => {
  afterEach(() => vi.restoreAllMocks());
  const capture = () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return { err: () => err.mock.calls.join(''), out: () => out.mock.calls.join('') };
  };

  it.each([
    [[], /--service is required/],
    [['--service', 'payment-service'], /--brokers is required/],
    [['--service', 'payment-service', '--brokers', 'b:9092', '--servce', 'x'], /Unknown option '--servce'/],
    [['--service', 'Payment Service', '--brokers', 'b:9092'], /service must be a service name/],
  ])('exits 2 for %j, saying why', async (argv, why) => {
    const io = capture();
    expect(await main(argv)).toBe(2);
    expect(io.err()).toMatch(why);
  });

  it('prints its usage for --help', async () => {
    const io = capture();
    expect(await main(['--help'])).toBe(0);
    expect(io.out()).toMatch(/^Usage: sagaflow-retire-service --service <name> --brokers/);
  });
});
