import { describe, expect, it } from 'vitest';
import { checkConvergence, type SimulatedParticipant } from './convergence-checker';
import {
  createParallelTripSaga,
  createTripContracts,
  type ParallelTripState,
  type TripCommand,
  type TripReply,
} from './parallel-trip.spec-helper';

const c = createTripContracts('trip');
// short timeouts against the checker's 0.1–40 s time jumps, so re-sends and late replies are common; a saga
// timeout, so a confirmation that is never answered ends the trip too (decision 0068)
const ParallelTrip = createParallelTripSaga(c, {
  timeout: '60s',
  reserveTimeout: '3s',
  hotelAttempts: 3,
  hotelBackoff: '500ms',
});
// the same trip without a saga timeout: nothing rescues a saga that a bug leaves waiting
const UntimedTrip = createParallelTripSaga(c, {
  reserveTimeout: '3s',
  hotelAttempts: 3,
  hotelBackoff: '500ms',
});
type Ctx = Parameters<InstanceType<typeof ParallelTrip>['start']>[1];

// The world: what each trip holds at each provider, and the trips confirmed. Cancels are idempotent.
interface World {
  flight: Record<string, number>;
  hotel: Record<string, number>;
  car: Record<string, number>;
  confirmed: string[];
}
type Provider = 'flight' | 'hotel' | 'car';
const ok = (tripId: string, ref: string | null = null): TripReply => ({ tripId, ref, reason: null });

function provider(
  p: Provider,
  reserve: typeof c.ReserveFlight,
  cancel: typeof c.CancelFlight,
  reserved: typeof c.FlightReserved,
  rejected: typeof c.FlightRejected,
  cancelled: (tripId: string) => [typeof c.FlightCancelled | typeof c.RentalCancelled, unknown],
): SimulatedParticipant<World>[] {
  return [
    {
      handles: reserve,
      outcomes: ['ok', 'rejected'],
      handle: (cmd: TripCommand, w, o) =>
        o === 'ok'
          ? {
              world: { ...w, [p]: { ...w[p], [cmd.tripId]: 1 } },
              replies: [[reserved, ok(cmd.tripId, `${cmd.tripId}-${p}`)]],
            }
          : { world: w, replies: [[rejected, { tripId: cmd.tripId, ref: null, reason: `no ${p}` }]] },
    },
    {
      handles: cancel,
      handle: (cmd: TripCommand, w) => ({
        world: { ...w, [p]: { ...w[p], [cmd.tripId]: 0 } },
        replies: [cancelled(cmd.tripId)],
      }),
    },
  ];
}

const participants: SimulatedParticipant<World>[] = [
  ...provider('flight', c.ReserveFlight, c.CancelFlight, c.FlightReserved, c.FlightRejected, (t) => [
    c.FlightCancelled,
    ok(t),
  ]),
  ...provider('hotel', c.ReserveHotel, c.CancelHotel, c.HotelReserved, c.HotelRejected, (t) => [
    c.HotelCancelled,
    ok(t),
  ]),
  ...provider('car', c.ReserveCar, c.CancelCar, c.CarReserved, c.CarRejected, (t) => [
    c.RentalCancelled,
    { rentalId: `${t}-car` },
  ]),
  {
    handles: c.ConfirmTrip,
    outcomes: ['ok', 'card expired'],
    handle: (cmd: TripCommand, w, o) =>
      o === 'ok'
        ? {
            world: { ...w, confirmed: [...w.confirmed, cmd.tripId] },
            replies: [[c.TripConfirmed, ok(cmd.tripId)]],
          }
        : { world: w, replies: [[c.TripRejected, { tripId: cmd.tripId, ref: null, reason: o }]] },
  },
];

const trips = ['a', 'b', 'c'];
const starts = trips.map(
  (tripId) => [c.TripRequested, { tripId, scenario: 'ok' }] as [typeof c.TripRequested, unknown],
);
const world = (): World => ({ flight: {}, hotel: {}, car: {}, confirmed: [] });

/** A trip ends confirmed holding all three reservations, or holding none. */
function allOrNothing(w: World): void {
  for (const t of trips) {
    const held = (w.flight[t] ?? 0) + (w.hotel[t] ?? 0) + (w.car[t] ?? 0);
    const confirmed = w.confirmed.includes(t);
    if (confirmed && held !== 3) throw new Error(`trip ${t} confirmed but holds ${held} of 3 reservations`);
    if (!confirmed && held !== 0)
      throw new Error(`trip ${t} not confirmed but still holds ${held} reservation(s)`);
  }
}

describe('checkConvergence on a saga with a parallel group, step retries and an associated key', () => {
  it('passes the trip saga under duplicates, reorders, crashes and time jumps', () => {
    checkConvergence({
      saga: ParallelTrip,
      starts,
      participants,
      world: world(),
      invariants: [allOrNothing],
      runs: 300,
    });
  });

  it('finds a join that only one branch asks for: the saga never leaves RUNNING in some reply order', () => {
    class OneBranchJoins extends UntimedTrip {
      override hotelReserved(_s: ParallelTripState, _e: TripReply, ctx: Ctx) {
        return ctx.stepCompleted('reserveHotel');
      }
      override carReserved(s: ParallelTripState, e: TripReply, ctx: Ctx) {
        return ctx.associate(`rental:${e.ref}`).stepCompleted('reserveCar', { ...s, rentalId: e.ref ?? '' });
      }
    }
    expect(() =>
      checkConvergence({
        saga: UntimedTrip,
        sagaObject: new OneBranchJoins(),
        starts: starts.slice(0, 1),
        participants,
        world: world(),
        runs: 300,
        seed: 7,
      }),
    ).toThrow(/breaks a guarantee[\s\S]*did not converge: it is RUNNING[\s\S]*trace:/);
  });

  it('finds a missing compensation in a group: a late branch reply ignored after a sibling failed', () => {
    interface Flagged extends ParallelTripState {
      rejected?: boolean;
    }
    class IgnoresLateCar extends ParallelTrip {
      override flightRejected(s: Flagged, e: TripReply, ctx: Ctx) {
        return ctx
          .stepFailed('reserveFlight', e.reason ?? 'rejected')
          .state({ ...s, rejected: true } as Flagged);
      }
      override hotelRejected(s: Flagged, e: TripReply, ctx: Ctx) {
        return ctx
          .stepFailed('reserveHotel', e.reason ?? 'rejected')
          .state({ ...s, rejected: true } as Flagged);
      }
      // bug: once a sibling failed, the car's reply is dropped instead of being recorded (and so undone)
      override carReserved(s: Flagged, e: TripReply, ctx: Ctx) {
        return s.rejected ? ctx : super.carReserved(s, e, ctx);
      }
    }
    expect(() =>
      checkConvergence({
        saga: ParallelTrip,
        sagaObject: new IgnoresLateCar(),
        starts: starts.slice(0, 1),
        participants,
        world: world(),
        invariants: [
          (w: World) => {
            if ((w.car.a ?? 0) > 0 && !w.confirmed.includes('a'))
              throw new Error('trip a still holds its car, which was never compensated');
          },
        ],
        runs: 300,
        seed: 11,
      }),
    ).toThrow(
      /invariant broke: trip a still holds its car, which was never compensated[\s\S]*trip\.CarReserved#m-\d+ → saga a/,
    );
  });
});
