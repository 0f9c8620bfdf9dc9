import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('remembers what was added, up to its capacity, forgetting the oldest first', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c')]).toEqual([false, true, true]);
    expect(ids.size).toBe(2);
  });

  it('an id added again counts as new, so it is kept over older ones', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('a');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c')]).toEqual([true, false, true]);
  });

  it('forgets a deleted id, and refuses a capacity that is not a positive integer', () => {
    const ids = new RecentIds(3);
    ids.add('a');
    ids.delete('a');
    expect(ids.has('a')).toBe(false);
    expect(() => new RecentIds(0)).toThrow(/capacity must be a positive integer \(got 0\)/);
  });
});
