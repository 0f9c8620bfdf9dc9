import { describe, expect, it } from 'vitest';
import { EndSaga, Saga, SagaEventHandler, StartSaga } from '../declaration/decorators';
import { sagaSteps, type StepName } from '../declaration/saga-steps';
import type { SagaContext } from './decision';
import { SagaTestFixture } from '../testing/saga-test-fixture';
import { createParallelTripSaga, createTripContracts } from '../testing/parallel-trip.spec-helper';

const c = createTripContracts('trip');
const ParallelTrip = createParallelTripSaga(c);
const t = 't1';
const ok = { tripId: t, ref: null, reason: null };
const no = (reason: string) => ({ tripId: t, ref: null, reason });

function started(): SagaTestFixture {
  const f = new SagaTestFixture(ParallelTrip);
  f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
  return f;
}
const names = (f: SagaTestFixture) => f.sentTypes().map((n) => n.split('.').pop());

describe('parallel steps with a join', () => {
  it('run(group) sends every step of the group at once, each with its timeout', () => {
    const f = started();
    expect(names(f)).toEqual(['ReserveFlight', 'ReserveHotel', 'ReserveCar']);
    expect(Object.keys(f.scheduledDeadlines(t)).sort()).toEqual([
      'step:reserveCar',
      'step:reserveFlight',
      'step:reserveHotel',
    ]);
  });

  it('the step after the group runs only when the last group step completes, in any order', () => {
    const orders = [
      ['flight', 'hotel', 'car'],
      ['car', 'hotel', 'flight'],
      ['hotel', 'car', 'flight'],
    ] as const;
    for (const order of orders) {
      const f = started();
      const replies = {
        flight: () => f.receive(c.FlightReserved, ok),
        hotel: () => f.receive(c.HotelReserved, ok),
        car: () => f.receive(c.CarReserved, { ...ok, ref: 'r1' }),
      };
      replies[order[0]]();
      replies[order[1]]();
      expect(names(f), order.join()).not.toContain('ConfirmTrip');
      replies[order[2]]();
      expect(names(f).at(-1), order.join()).toBe('ConfirmTrip');
      expect(f.lifecycle(t).filter((x) => x.transition === 'GroupJoined')).toEqual([
        expect.objectContaining({ group: 'reserve', status: 'RUNNING' }),
      ]);
      f.receive(c.TripConfirmed, ok);
      expect(f.status(t)).toBe('COMPLETED');
    }
  });

  it('an early run() of the step after the group is dropped with the reason, not sent', () => {
    const f = started();
    const outcome = f.receive(c.FlightReserved, ok);
    expect(outcome.send).toEqual([]);
    expect(f.lifecycle(t).at(-1)).toEqual(
      expect.objectContaining({ transition: 'StepCompleted', group: 'reserve' }),
    );
    // the note names the open branches
    const again = f.receive(c.FlightReserved, ok);
    expect(again.ignored?.reason).toMatch(/already COMPLETED/);
  });

  it('a failed branch compensates the completed siblings, and one that completes later, exactly once each', () => {
    const f = started();
    f.receive(c.FlightReserved, ok);
    f.receive(c.CarRejected, no('no cars'));
    expect(f.status(t)).toBe('COMPENSATING');
    // the transition names the failed branch and its group, so the monitor can mark it
    expect(f.lifecycle(t).at(-1)).toEqual(
      expect.objectContaining({ transition: 'Compensating', step: 'reserveCar', group: 'reserve' }),
    );
    expect(names(f).slice(3)).toEqual(['CancelFlight']);
    f.receive(c.FlightCancelled, ok);
    // the hotel is still in flight: the saga waits for it rather than ending
    expect(f.status(t)).toBe('COMPENSATING');
    f.receive(c.HotelReserved, ok);
    expect(names(f).slice(3)).toEqual(['CancelFlight', 'CancelHotel']);
    f.receive(c.HotelCancelled, ok);
    expect(f.status(t)).toBe('COMPENSATED');
    expect(names(f).filter((n) => n?.startsWith('Cancel'))).toEqual(['CancelFlight', 'CancelHotel']);
  });

  it('a sibling that never replies is given its timeout, then compensation moves on without it', () => {
    const f = started();
    f.receive(c.FlightReserved, ok);
    f.receive(c.CarRejected, no('no cars'));
    f.receive(c.FlightCancelled, ok);
    f.advanceTime('11s');
    expect(f.instance(t)?.steps.reserveHotel?.status).toBe('FAILED');
    expect(f.status(t)).toBe('COMPENSATED');
    expect(names(f)).not.toContain('CancelHotel');
    expect(names(f).filter((n) => n === 'ReserveHotel')).toHaveLength(1); // no re-send while compensating
  });

  it('group steps are undone before the steps before the group, in reverse order of completion', () => {
    const cmd = (s: { tripId: string }) => ({ tripId: s.tripId, scenario: 'ok' });
    const steps = sagaSteps<{ tripId: string }>()
      .step('pay', c.ConfirmTrip, cmd, { timeout: '10s' })
      .compensatedBy(c.CancelCar, cmd)
      .parallel('reserve', (g) =>
        g
          .step('reserveFlight', c.ReserveFlight, cmd, { timeout: '10s' })
          .compensatedBy(c.CancelFlight, cmd)
          .step('reserveHotel', c.ReserveHotel, cmd, { timeout: '10s' })
          .compensatedBy(c.CancelHotel, cmd),
      );
    const by = { correlate: (e: { tripId: string }) => e.tripId };
    type Ctx = SagaContext<{ tripId: string }, StepName<typeof steps>>;
    @Saga({ type: 'PayThenReserve', version: 1, steps })
    class PayThenReserve {
      @StartSaga(c.TripRequested, by)
      start(e: { tripId: string }, ctx: Ctx) {
        return ctx.begin({ tripId: e.tripId }).run('pay');
      }
      @SagaEventHandler(c.TripConfirmed, by)
      paid(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.stepCompleted('pay').run('reserve');
      }
      @EndSaga()
      @SagaEventHandler(c.FlightReserved, by)
      flight(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.stepCompleted('reserveFlight');
      }
      @SagaEventHandler(c.HotelReserved, by)
      hotel(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.stepCompleted('reserveHotel');
      }
      @SagaEventHandler(c.HotelRejected, by)
      hotelNo(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.stepFailed('reserveHotel', 'full');
      }
      @SagaEventHandler(c.FlightCancelled, by)
      fc(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.compensated('reserveFlight');
      }
      @SagaEventHandler(c.HotelCancelled, by)
      hc(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.compensated('reserveHotel');
      }
      @SagaEventHandler(c.CarRejected, by)
      pc(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.compensated('pay');
      }
    }
    const f = new SagaTestFixture(PayThenReserve);
    f.receive(c.TripRequested, { tripId: t, scenario: 'ok' });
    f.receive(c.TripConfirmed, ok);
    f.receive(c.HotelRejected, no('full'));
    // flight still in flight: 'pay' (before the group) waits for it
    expect(names(f).slice(3)).toEqual([]);
    f.receive(c.FlightReserved, ok);
    expect(names(f).slice(3)).toEqual(['CancelFlight']);
    f.receive(c.FlightCancelled, ok);
    expect(names(f).slice(3)).toEqual(['CancelFlight', 'CancelCar']);
    f.receive(c.CarRejected, ok);
    expect(f.status(t)).toBe('COMPENSATED');
  });

  it('run() of a single group step is refused with the group to run instead', () => {
    const f = new SagaTestFixture(ParallelTrip);
    const saga = f.definition;
    expect(saga.groups.get('reserve')).toEqual(['reserveFlight', 'reserveHotel', 'reserveCar']);
    class Wrong extends ParallelTrip {
      override start(
        e: { tripId: string; scenario: string },
        ctx: Parameters<InstanceType<typeof ParallelTrip>['start']>[1],
      ) {
        return ctx.begin({ tripId: e.tripId, scenario: e.scenario }).run('reserveHotel');
      }
    }
    const g = new SagaTestFixture(ParallelTrip, { saga: new Wrong() });
    expect(() => g.receive(c.TripRequested, { tripId: t, scenario: 'ok' })).toThrow(
      /runs step "reserveHotel" alone, but it is in parallel group "reserve": run the group with run\("reserve"\)/,
    );
  });
});
