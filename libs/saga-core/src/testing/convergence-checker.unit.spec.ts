import { describe, expect, it } from 'vitest';
import { Saga, SagaEventHandler, StartSaga, EndSaga } from '../declaration/decorators';
import { sagaSteps } from '../declaration/saga-steps';
import type { SagaContext } from '../engine/decision';
import { SagaEngine } from '../engine/saga-engine';
import { DeadlineName, type SagaInstance } from '../engine/saga-instance';
import type { DueDeadline, SagaOutcome } from '../engine/saga-outcome';
import { checkConvergence, checkConvergenceOf, type SimulatedParticipant } from './convergence-checker';
import {
  BookFlight,
  BookHotel,
  CancelFlight,
  CancelHotel,
  ConfirmTrip,
  FlightBooked,
  FlightCancelled,
  FlightFailed,
  HotelBooked,
  HotelCancelled,
  HotelFailed,
  TripConfirmed,
  TripFailed,
  TripRequested,
  TripSaga,
} from './example-saga.spec-helper';

// The world: seats and rooms held per trip. Cancels are idempotent per trip, as real participants must be.
interface World {
  seats: Record<string, number>;
  rooms: Record<string, number>;
  confirmed: string[];
}
const participants: SimulatedParticipant<World>[] = [
  {
    handles: BookFlight,
    outcomes: ['ok', 'sold out'],
    handle: (c: { tripId: string }, w, o) =>
      o === 'ok'
        ? {
            world: { ...w, seats: { ...w.seats, [c.tripId]: 1 } },
            replies: [[FlightBooked, { tripId: c.tripId, flightNo: 'LH1' }]],
          }
        : { world: w, replies: [[FlightFailed, { tripId: c.tripId, reason: o }]] },
  },
  {
    handles: CancelFlight,
    handle: (c: { tripId: string }, w) => ({
      world: { ...w, seats: { ...w.seats, [c.tripId]: 0 } },
      replies: [[FlightCancelled, { tripId: c.tripId }]],
    }),
  },
  {
    handles: BookHotel,
    outcomes: ['ok', 'full'],
    handle: (c: { tripId: string }, w, o) =>
      o === 'ok'
        ? {
            world: { ...w, rooms: { ...w.rooms, [c.tripId]: 1 } },
            replies: [[HotelBooked, { tripId: c.tripId }]],
          }
        : { world: w, replies: [[HotelFailed, { tripId: c.tripId, reason: o }]] },
  },
  {
    handles: CancelHotel,
    handle: (c: { tripId: string }, w) => ({
      world: { ...w, rooms: { ...w.rooms, [c.tripId]: 0 } },
      replies: [[HotelCancelled, { tripId: c.tripId }]],
    }),
  },
  {
    handles: ConfirmTrip,
    outcomes: ['ok', 'card expired'],
    handle: (c: { tripId: string }, w, o) =>
      o === 'ok'
        ? {
            world: { ...w, confirmed: [...w.confirmed, c.tripId] },
            replies: [[TripConfirmed, { tripId: c.tripId }]],
          }
        : { world: w, replies: [[TripFailed, { tripId: c.tripId, reason: o }]] },
  },
];

// A trip ends either confirmed holding a seat and a room, or holding nothing.
function nothingHeldUnlessConfirmed(w: World): void {
  for (const trip of ['a', 'b', 'c']) {
    const held = (w.seats[trip] ?? 0) + (w.rooms[trip] ?? 0);
    const confirmed = w.confirmed.includes(trip);
    if (confirmed && held !== 2) throw new Error(`trip ${trip} confirmed but holds ${held} of 2 bookings`);
    if (!confirmed && held !== 0)
      throw new Error(`trip ${trip} not confirmed but still holds ${held} bookings`);
  }
}

const starts = ['a', 'b', 'c'].map(
  (tripId) => [TripRequested, { tripId, budget: 10 }] as [typeof TripRequested, unknown],
);

describe('checkConvergence', () => {
  it('passes a correct saga under duplicated, reordered and crash-interrupted deliveries', () => {
    checkConvergence({
      saga: TripSaga,
      starts,
      participants,
      world: { seats: {}, rooms: {}, confirmed: [] },
      invariants: [nothingHeldUnlessConfirmed],
      runs: 300,
    });
  });

  it('finds a saga that ignores a failed step, and prints the shrunk trace', () => {
    const steps = sagaSteps<{ tripId: string }>()
      .step('bookFlight', BookFlight, (s) => ({ tripId: s.tripId }), { timeout: '10s' })
      .compensatedBy(CancelFlight, (s) => ({ tripId: s.tripId }))
      // no timeout on the hotel step and none on the saga: nothing rescues it from the bug below
      .step('bookHotel', BookHotel, (s) => ({ tripId: s.tripId }))
      .withoutCompensation('test');
    type Ctx = SagaContext<{ tripId: string }, 'bookFlight' | 'bookHotel'>;
    const by = { correlate: (m: { tripId: string }) => m.tripId };
    @Saga({ type: 'ForgetfulTrip', version: 1, steps, compensationAttempts: 1, compensationTimeout: '1s' })
    class ForgetfulTrip {
      @StartSaga(TripRequested, by)
      start(e: { tripId: string }, ctx: Ctx) {
        return ctx.begin({ tripId: e.tripId }).run('bookFlight');
      }
      @SagaEventHandler(FlightBooked, by)
      booked(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.stepCompleted('bookFlight').run('bookHotel');
      }
      @SagaEventHandler(FlightFailed, by)
      flightFailed(_s: unknown, e: { reason: string }, ctx: Ctx) {
        return ctx.stepFailed('bookFlight', e.reason);
      }
      @EndSaga()
      @SagaEventHandler(HotelBooked, by)
      hotel(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx.stepCompleted('bookHotel');
      }
      // bug: a failed hotel is ignored instead of compensating the flight
      @SagaEventHandler(HotelFailed, by)
      hotelFailed(_s: unknown, _e: unknown, ctx: Ctx) {
        return ctx;
      }
    }
    expect(() =>
      checkConvergence({
        saga: ForgetfulTrip,
        starts: starts.slice(0, 1),
        participants: participants.filter((p) => p.handles !== ConfirmTrip),
        world: { seats: {}, rooms: {}, confirmed: [] },
        runs: 200,
        seed: 42,
        // the bug under test is the ignored failure (without timeouts an unanswered command strands it too)
        unansweredCommands: false,
      }),
    ).toThrow(
      /ForgetfulTrip breaks a guarantee[\s\S]*did not converge: it is RUNNING[\s\S]*trace:[\s\S]*hotel\.HotelFailed/,
    );
  });

  it('finds a saga that can stay RUNNING forever: the earlier rule that ignored the saga timeout while the pivot was in flight', () => {
    // commit 54c82b0's rule, as it was: past the pivot the saga timeout is a note, and nothing else waits
    class IgnoresTimeoutAtPivot extends SagaEngine {
      override handleDeadline(instance: SagaInstance, deadline: DueDeadline, now: Date): SagaOutcome {
        const pivot = this.definition.steps.find(
          (s) => s.compensation === null && instance.steps[s.name]?.status === 'STARTED',
        );
        if (deadline.name !== DeadlineName.sagaTimeout || instance.status !== 'RUNNING' || !pivot)
          return super.handleDeadline(instance, deadline, now);
        return {
          instance: {
            ...structuredClone(instance),
            version: instance.version + 1,
            updatedAt: now.toISOString(),
          },
          created: false,
          send: [],
          lifecycle: [],
          schedule: [],
          cancel: [deadline.name],
          ignored: {
            reason: `saga timeout ignored: step "${pivot.name}" cannot be compensated and is in flight`,
          },
        };
      }
    }
    const spec = {
      saga: TripSaga,
      starts: starts.slice(0, 1),
      participants,
      world: { seats: {}, rooms: {}, confirmed: [] },
      invariants: [nothingHeldUnlessConfirmed],
      runs: 300,
      seed: 68,
    };
    const earlierRule = (...a: ConstructorParameters<typeof SagaEngine>) => new IgnoresTimeoutAtPivot(...a);
    // every command answered (the checker before decision 0068): the earlier rule looked convergent
    expect(() => checkConvergenceOf({ ...spec, unansweredCommands: false }, earlierRule)).not.toThrow();
    // a confirmation never answered: the trip stays RUNNING forever, and the checker says so
    expect(() => checkConvergenceOf(spec, earlierRule)).toThrow(
      /saga TripSaga breaks a guarantee[\s\S]*saga a did not converge: it is RUNNING \(confirm STARTED\) with no message in flight and no deadline pending: it can stay RUNNING forever[\s\S]*trip\.ConfirmTrip#\S+ → dead-lettered by its participant: never applied, never answered[\s\S]*deadline saga-timeout of a/,
    );
    // the rule of decision 0068 (a bounded wait for the pivot, then FAILED) converges on the same runs
    expect(() => checkConvergence(spec)).not.toThrow();
  });
});
