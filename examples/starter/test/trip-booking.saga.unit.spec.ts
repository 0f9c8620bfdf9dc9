import { SagaTestFixture } from '@sagaflow/saga-core/testing';
import { describe, expect, it } from 'vitest';
import { CardDeclined, HotelBooked, HotelCancelled, BookTrip } from '../src/messages';
import { TripBooking } from '../src/trip-booking.saga';

// The saga alone, in memory: messages in, commands and status out, no broker and no database.
describe('TripBooking (in memory)', () => {
  it('a declined card cancels the hotel, and the saga ends compensated', () => {
    const f = new SagaTestFixture(TripBooking);
    f.receive(BookTrip, { tripId: 't-1', hotel: 'Hotel Lisboa', nights: 2, amountCents: 500_000 });
    f.receive(HotelBooked, { tripId: 't-1' });
    f.receive(CardDeclined, { tripId: 't-1', reason: 'over the card limit' });
    expect(f.status('t-1')).toBe('COMPENSATING');
    f.receive(HotelCancelled, { tripId: 't-1' });
    expect(f.status('t-1')).toBe('COMPENSATED');
    expect(f.sentTypes()).toEqual(['trips.BookHotel', 'trips.ChargeCard', 'trips.CancelHotel']);
  });
});
