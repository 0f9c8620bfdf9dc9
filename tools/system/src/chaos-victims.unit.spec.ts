import { describe, expect, it } from 'vitest';
import { pickVictim } from './chaos-victims';

const p = (name: string, running: boolean) => ({ name, running });

describe('pickVictim', () => {
  it('chooses only among the running processes, each in its share of [0, 1)', () => {
    const all = [p('order', true), p('inventory', false), p('payment', true), p('monitor', true)];
    expect([0, 0.34, 0.67, 0.9999].map((r) => pickVictim(all, () => r)?.name)).toEqual([
      'order',
      'payment',
      'monitor',
      'monitor',
    ]);
  });

  it('returns undefined when every process is down (restarting)', () => {
    expect(pickVictim([p('order', false)], () => 0.5)).toBeUndefined();
  });
});
