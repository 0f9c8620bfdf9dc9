import { Injectable } from '@nestjs/common';
import { CommandHandler, OnEvent, type MessageContext } from '@sagaflow/saga-core';
import {
  BookHotel,
  CancelHotel,
  CardCharged,
  CardDeclined,
  ChargeCard,
  HotelBooked,
  HotelCancelled,
  type TripRef,
} from './messages';

/** The card limit of this example: a larger charge is declined, and the saga cancels the hotel. */
export const cardLimitCents = 100_000;

/**
 * The hotel desk: each command runs in one transaction with the inbox row (a redelivered command changes
 * nothing), the writes through `ctx.client` and the events `ctx.emit` appends to the outbox.
 */
@Injectable()
export class HotelDesk {
  @CommandHandler(BookHotel, { emits: [HotelBooked] })
  async book(command: BookHotel, ctx: MessageContext): Promise<void> {
    await ctx.client.query(
      `insert into hotel_reservation (trip_id, hotel, nights, status) values ($1, $2, $3, 'booked')`,
      [command.tripId, command.hotel, command.nights],
    );
    await ctx.emit(HotelBooked, { tripId: command.tripId });
  }

  @CommandHandler(CancelHotel, { emits: [HotelCancelled] })
  async cancel(command: TripRef, ctx: MessageContext): Promise<void> {
    await ctx.client.query(`update hotel_reservation set status = 'cancelled' where trip_id = $1`, [
      command.tripId,
    ]);
    await ctx.emit(HotelCancelled, { tripId: command.tripId });
  }
}

/** Payments: charges the card, or declines above the limit. */
@Injectable()
export class Payments {
  @CommandHandler(ChargeCard, { emits: [CardCharged, CardDeclined] })
  async charge(command: ChargeCard, ctx: MessageContext): Promise<void> {
    if (command.amountCents > cardLimitCents) {
      await ctx.emit(CardDeclined, { tripId: command.tripId, reason: 'over the card limit' });
      return;
    }
    await ctx.emit(CardCharged, command);
  }
}

/** A reaction: every charged trip gets a receipt, in the same transaction as the event's inbox row. */
@Injectable()
export class Receipts {
  @OnEvent(CardCharged)
  async issue(event: ChargeCard, ctx: MessageContext): Promise<void> {
    await ctx.client.query('insert into trip_receipt (trip_id, amount_cents) values ($1, $2)', [
      event.tripId,
      event.amountCents,
    ]);
  }
}
