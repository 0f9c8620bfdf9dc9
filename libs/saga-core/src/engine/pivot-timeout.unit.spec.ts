import { describe, expect, it } from 'vitest';
import { Saga } from '../declaration/decorators';
import { SagaTestFixture } from '../testing/saga-test-fixture';
import {
  FlightBooked,
  FlightCancelled,
  HotelBooked,
  HotelCancelled,
  TripConfirmed,
  TripFailed,
  TripRequested,
  TripSaga,
  tripSteps,
} from '../testing/example-saga.spec-helper';

// TripSaga: a 60 s saga timeout; its last step, "confirm", cannot be compensated (the pivot) and has no
// timeout of its own. Flight and hotel are booked at once, so "confirm" is in flight when the saga times out.
const t = 't1';

function atThePivot(saga: new () => object = TripSaga): SagaTestFixture {
  const f = new SagaTestFixture(saga);
  f.receive(TripRequested, { tripId: t, budget: 100 });
  f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
  f.receive(HotelBooked, { tripId: t });
  return f;
}
const cancels = (f: SagaTestFixture) => f.sentTypes().filter((n) => /Cancel/.test(n));

describe('the saga timeout with a pivot in flight (decision 0068)', () => {
  it('waits for the pivot under its own deadline: TimedOut on the pivot, still RUNNING, nothing undone', () => {
    const f = atThePivot();
    f.advanceTime('60s');
    expect(f.status(t)).toBe('RUNNING');
    expect(f.lifecycle(t).at(-1)).toEqual(
      expect.objectContaining({ transition: 'TimedOut', status: 'RUNNING', step: 'confirm' }),
    );
    expect(f.lifecycle(t).at(-1)!.reason).toMatch(
      /saga timed out after 60000 ms while step "confirm", which cannot be compensated, was in flight: its reply decides; waiting up to 60000 ms/,
    );
    // the wait defaults to the saga's own timeout
    expect(f.scheduledDeadlines(t)['pivot:confirm']).toBe('2026-01-01T00:02:00.000Z');
    expect(cancels(f)).toEqual([]);
  });

  it("a reply within the wait decides: the pivot's success completes the saga and ends the wait", () => {
    const f = atThePivot();
    f.advanceTime('90s');
    f.receive(TripConfirmed, { tripId: t });
    expect(f.status(t)).toBe('COMPLETED');
    expect(f.scheduledDeadlines(t)).toEqual({});
    expect(cancels(f)).toEqual([]);
  });

  it('no reply within the wait: the saga ends FAILED, surfaced on the pivot with why; the steps before it are not undone', () => {
    const f = atThePivot();
    f.advanceTime('60s');
    f.advanceTime('60s');
    expect(f.status(t)).toBe('FAILED');
    const failed = f.lifecycle(t).at(-1)!;
    expect(failed).toEqual(
      expect.objectContaining({ transition: 'Failed', status: 'FAILED', step: 'confirm' }),
    );
    expect(failed.reason).toMatch(
      /step "confirm" cannot be compensated and gave no reply within 60000 ms after the saga timed out: whether it took effect is unknown/,
    );
    expect(f.instance(t)!.reason).toBe(failed.reason);
    expect(f.scheduledDeadlines(t)).toEqual({});
    expect(cancels(f)).toEqual([]);
  });

  it('a late success after FAILED: the pivot took effect, so the saga goes on forward and completes', () => {
    const f = atThePivot();
    f.advanceTime('120s');
    f.receive(TripConfirmed, { tripId: t });
    expect(f.status(t)).toBe('COMPLETED');
    expect(f.instance(t)!.reason).toBeUndefined();
    expect(
      f
        .lifecycle(t)
        .map((x) => x.transition)
        .slice(-4),
    ).toEqual(['TimedOut', 'Failed', 'StepCompleted', 'Completed']);
    expect(cancels(f)).toEqual([]);
  });

  it('a late refusal after FAILED: the pivot did not take effect, so the steps before it are compensated', () => {
    const f = atThePivot();
    f.advanceTime('120s');
    f.receive(TripFailed, { tripId: t, reason: 'card expired' });
    expect(f.status(t)).toBe('COMPENSATING');
    expect(cancels(f)).toEqual(['hotel.CancelHotel']);
    f.receive(HotelCancelled, { tripId: t });
    f.receive(FlightCancelled, { tripId: t });
    expect(f.status(t)).toBe('COMPENSATED');
  });

  it('pivotTimeout sets the wait', () => {
    @Saga({ type: 'Trip', version: 2, steps: tripSteps, timeout: '60s', pivotTimeout: '5s' })
    class QuickTrip extends TripSaga {}
    const f = atThePivot(QuickTrip);
    f.advanceTime('64s');
    expect(f.status(t)).toBe('RUNNING');
    f.advanceTime('1s');
    expect(f.status(t)).toBe('FAILED');
    expect(f.lifecycle(t).at(-1)!.reason).toMatch(/gave no reply within 5000 ms after the saga timed out/);
  });

  it('a saga timeout before the pivot still compensates at once', () => {
    const f = new SagaTestFixture(TripSaga);
    f.receive(TripRequested, { tripId: t, budget: 100 });
    f.receive(FlightBooked, { tripId: t, flightNo: 'LH1' });
    // the hotel step's own 10 s timeout falls due first, with no pivot in flight: compensation
    f.advanceTime('10s');
    expect(f.status(t)).toBe('COMPENSATING');
    expect(f.scheduledDeadlines(t)).not.toHaveProperty('pivot:confirm');
  });
});
