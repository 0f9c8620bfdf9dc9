import { describe, expect, it } from 'vitest';
import { SagaTestFixture } from '../testing/saga-test-fixture';
import { createParallelTripSaga, createTripContracts } from '../testing/parallel-trip.spec-helper';

const c = createTripContracts('trip');
// reservations time out after 10 s; ReserveHotel is sent up to 3 times, 1 s then 2 s apart
const ParallelTrip = createParallelTripSaga(c, { hotelAttempts: 3, hotelBackoff: '1s' });
const t = 't1';
const ok = { tripId: t, ref: null, reason: null };

function started(): SagaTestFixture {
  const f = new SagaTestFixture(ParallelTrip);
  f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
  f.receive(c.FlightReserved, ok);
  f.receive(c.CarReserved, { ...ok, ref: 'r1' });
  return f;
}
const hotelSends = (f: SagaTestFixture) => f.sent().filter((m) => m.type.endsWith('.ReserveHotel'));

describe('step retry before compensating', () => {
  it('a timed-out step is re-sent after its backoff with the same message-id, and its lifecycle says so', () => {
    const f = started();
    f.advanceTime('10s');
    expect(hotelSends(f)).toHaveLength(1); // timed out: waiting out the 1 s backoff
    expect(f.scheduledDeadlines(t)).toHaveProperty('retry:reserveHotel');
    f.advanceTime('1s');
    const sends = hotelSends(f);
    expect(sends).toHaveLength(2);
    expect(sends[1]!.messageId).toBe(sends[0]!.messageId);
    expect(sends[1]!.resend).toBe(true);
    expect(f.lifecycle(t).at(-1)).toEqual(
      expect.objectContaining({
        transition: 'StepRetried',
        step: 'reserveHotel',
        attempt: 2,
        group: 'reserve',
      }),
    );
    expect(f.status(t)).toBe('RUNNING');
  });

  it('a reply to the re-sent command completes the step: no compensation', () => {
    const f = started();
    f.advanceTime('11s');
    f.receive(c.HotelReserved, ok);
    expect(f.sentTypes().at(-1)).toMatch(/ConfirmTrip$/);
    f.receive(c.TripConfirmed, ok);
    expect(f.status(t)).toBe('COMPLETED');
    expect(f.sentTypes().filter((n) => /Cancel/.test(n))).toEqual([]);
    expect(f.scheduledDeadlines(t)).toEqual({});
  });

  it('a reply during the backoff cancels the re-send', () => {
    const f = started();
    f.advanceTime('10.5s');
    f.receive(c.HotelReserved, ok);
    f.advanceTime('5s');
    expect(hotelSends(f)).toHaveLength(1);
  });

  it('the backoff doubles, and after the last attempt times out the saga compensates', () => {
    const f = started();
    f.advanceTime('10s'); // 1st send times out → re-send at +1 s
    f.advanceTime('1s');
    f.advanceTime('10s'); // 2nd times out → re-send at +2 s
    f.advanceTime('1s');
    expect(hotelSends(f)).toHaveLength(2);
    f.advanceTime('1s');
    expect(hotelSends(f)).toHaveLength(3);
    f.advanceTime('10s'); // 3rd times out: no attempts left
    expect(f.status(t)).toBe('COMPENSATING');
    expect(f.instance(t)?.reason).toBe('step "reserveHotel" got no reply within 10000 ms (3 sends)');
    expect(
      f
        .lifecycle(t)
        .filter((x) => x.transition === 'StepRetried')
        .map((x) => x.attempt),
    ).toEqual([2, 3]);
  });

  it('a step without a retry policy compensates on its first timeout', () => {
    const f = new SagaTestFixture(ParallelTrip);
    f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
    f.receive(c.HotelReserved, ok);
    f.receive(c.CarReserved, { ...ok, ref: 'r1' });
    f.advanceTime('10s'); // the flight has no retry
    expect(f.status(t)).toBe('COMPENSATING');
    expect(f.lifecycle(t).map((x) => x.transition)).toContain('TimedOut');
  });
});
