import type { Pool } from 'pg';
import { CommandHandler, type MessageContext, type SagaflowTransactions } from '../../src/index';
import type { TripCommand, TripContracts } from '../../src/testing/parallel-trip.spec-helper';

/** The providers' own tables: one row per effect applied, and the hotel reservations held back. */
export const tripParticipantSchemaSql = /* sql */ `
  create table if not exists trip_effect (
    seq bigserial primary key, trip_id text not null, provider text not null, action text not null
  );
  create table if not exists trip_pending_hotel (trip_id text primary key, correlation_id text not null);`;

/**
 * Flight, hotel and car in one participant service. The trip's `scenario`: `car-fails` (the car is
 * rejected and the hotel answers only when the test says so, after the failure), `hotel-fails`,
 * `hotel-down-once` (the hotel is down for 3 s from the first command, so that command is dead-lettered
 * unapplied and only the saga's re-send is applied).
 */
export function createTripParticipant(c: TripContracts) {
  class TripProviders {
    /** When the hotel first failed a trip's ReserveHotel (`hotel-down-once`). */
    readonly hotelDownSince = new Map<string, number>();

    @CommandHandler(c.ReserveFlight, { emits: [c.FlightReserved] })
    async reserveFlight(cmd: TripCommand, ctx: MessageContext): Promise<void> {
      await effect(ctx, cmd.tripId, 'flight', 'reserve');
      await ctx.emit(c.FlightReserved, { tripId: cmd.tripId, ref: `F-${cmd.tripId}`, reason: null });
    }

    @CommandHandler(c.CancelFlight, { emits: [c.FlightCancelled] })
    async cancelFlight(cmd: TripCommand, ctx: MessageContext): Promise<void> {
      await effect(ctx, cmd.tripId, 'flight', 'cancel');
      await ctx.emit(c.FlightCancelled, { tripId: cmd.tripId, ref: null, reason: null });
    }

    @CommandHandler(c.ReserveHotel, { emits: [c.HotelReserved, c.HotelRejected] })
    async reserveHotel(cmd: TripCommand, ctx: MessageContext): Promise<void> {
      if (cmd.scenario === 'hotel-fails')
        return void (await ctx.emit(c.HotelRejected, { tripId: cmd.tripId, ref: null, reason: 'full' }));
      if (cmd.scenario === 'car-fails') {
        await ctx.client.query(
          'insert into trip_pending_hotel (trip_id, correlation_id) values ($1, $2) on conflict do nothing',
          [cmd.tripId, ctx.headers.correlationId],
        );
        return;
      }
      if (cmd.scenario === 'hotel-down-once') {
        // down for 3 s from the first command: every attempt at it fails and it is dead-lettered
        // unapplied; the saga's re-send (same message-id) comes after the 5 s step timeout
        const since = this.hotelDownSince.get(cmd.tripId) ?? ctx.now.getTime();
        this.hotelDownSince.set(cmd.tripId, since);
        if (ctx.now.getTime() - since < 3_000) throw new Error('hotel system down');
      }
      await effect(ctx, cmd.tripId, 'hotel', 'reserve');
      await ctx.emit(c.HotelReserved, { tripId: cmd.tripId, ref: `H-${cmd.tripId}`, reason: null });
    }

    @CommandHandler(c.CancelHotel, { emits: [c.HotelCancelled] })
    async cancelHotel(cmd: TripCommand, ctx: MessageContext): Promise<void> {
      await effect(ctx, cmd.tripId, 'hotel', 'cancel');
      await ctx.emit(c.HotelCancelled, { tripId: cmd.tripId, ref: null, reason: null });
    }

    @CommandHandler(c.ReserveCar, { emits: [c.CarReserved, c.CarRejected] })
    async reserveCar(cmd: TripCommand, ctx: MessageContext): Promise<void> {
      if (cmd.scenario === 'car-fails')
        return void (await ctx.emit(c.CarRejected, { tripId: cmd.tripId, ref: null, reason: 'no cars' }));
      await effect(ctx, cmd.tripId, 'car', 'reserve');
      await ctx.emit(c.CarReserved, { tripId: cmd.tripId, ref: `R-${cmd.tripId}`, reason: null });
    }

    // the car rental knows its rental id; the saga finds the trip by the key it associated
    @CommandHandler(c.CancelCar, { emits: [c.RentalCancelled] })
    async cancelCar(cmd: TripCommand, ctx: MessageContext): Promise<void> {
      await effect(ctx, cmd.tripId, 'car', 'cancel');
      await ctx.emit(c.RentalCancelled, { rentalId: `R-${cmd.tripId}` });
    }

    @CommandHandler(c.ConfirmTrip, { emits: [c.TripConfirmed] })
    async confirm(cmd: TripCommand, ctx: MessageContext): Promise<void> {
      await effect(ctx, cmd.tripId, 'trip', 'confirm');
      await ctx.emit(c.TripConfirmed, { tripId: cmd.tripId, ref: null, reason: null });
    }
  }
  return TripProviders;
}

/** The hotel's reply a `car-fails` trip is waiting for, sent late, as the hotel would. */
export async function answerHeldHotel(
  c: TripContracts,
  tx: SagaflowTransactions,
  tripId: string,
): Promise<void> {
  await tx.run(async (t) => {
    const { rows } = await t.client.query<{ correlation_id: string }>(
      'delete from trip_pending_hotel where trip_id = $1 returning correlation_id',
      [tripId],
    );
    if (!rows[0]) throw new Error(`no held hotel reservation for ${tripId}`);
    await t.client.query(
      `insert into trip_effect (trip_id, provider, action) values ($1, 'hotel', 'reserve')`,
      [tripId],
    );
    await t.emit(
      c.HotelReserved,
      { tripId, ref: `H-${tripId}`, reason: null },
      { correlationId: rows[0].correlation_id },
    );
  });
}

/** Whether the hotel holds back a reservation of `tripId`. */
export async function hotelHeld(pool: Pool, tripId: string): Promise<boolean> {
  const { rows } = await pool.query('select 1 from trip_pending_hotel where trip_id = $1', [tripId]);
  return rows.length > 0;
}

/** The effects on one trip, `provider:action`, in the order applied. */
export async function tripEffects(pool: Pool, tripId: string): Promise<string[]> {
  const { rows } = await pool.query<{ e: string }>(
    `select provider || ':' || action as e from trip_effect where trip_id = $1 order by seq`,
    [tripId],
  );
  return rows.map((r) => r.e);
}

async function effect(ctx: MessageContext, tripId: string, provider: string, action: string): Promise<void> {
  await ctx.client.query('insert into trip_effect (trip_id, provider, action) values ($1, $2, $3)', [
    tripId,
    provider,
    action,
  ]);
}
