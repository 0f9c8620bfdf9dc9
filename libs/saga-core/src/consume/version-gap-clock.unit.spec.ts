import { describe, expect, it } from 'vitest';
import { VersionGapClock } from './version-gap-clock';

describe('VersionGapClock', () => {
  it('keeps the time a message first met the gap, across later gaps, until forgotten', () => {
    const clock = new VersionGapClock();
    expect(clock.since('m1', 1_000)).toBe(1_000);
    expect(clock.since('m1', 5_000)).toBe(1_000);
    clock.forget('m1');
    expect(clock.since('m1', 9_000)).toBe(9_000);
  });

  it('stays bounded: the oldest entry is forgotten first', () => {
    const clock = new VersionGapClock(2);
    clock.since('a', 1);
    clock.since('b', 2);
    clock.since('c', 3);
    expect(clock.size).toBe(2);
    expect(clock.since('a', 4)).toBe(4);
  });
});
