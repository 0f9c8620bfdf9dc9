import { defineMessage, type AnyMessageType } from '@sagaflow/outbox-relay';

/** Put before every topic name of this service, so two deployments (or two test runs) can share a broker. */
const topicPrefix = process.env.TOPIC_PREFIX ?? '';

/** Every message of a trip is keyed by the trip: one trip's messages stay in order. */
export interface TripRef {
  tripId: string;
}
export interface BookTrip extends TripRef {
  hotel: string;
  nights: number;
  amountCents: number;
}
export interface BookHotel extends TripRef {
  hotel: string;
  nights: number;
}
export interface ChargeCard extends TripRef {
  amountCents: number;
}
export interface CardDeclined extends TripRef {
  reason: string;
}

type Field = { name: string; type: string };
function message<T extends TripRef>(
  kind: 'event' | 'command',
  topic: string,
  name: string,
  fields: Field[] = [],
) {
  return defineMessage<T>({
    topic: topicPrefix + topic,
    kind,
    key: (m) => m.tripId,
    schema: {
      type: 'record',
      namespace: 'trips',
      name,
      fields: [{ name: 'tripId', type: 'string' }, ...fields],
    },
  });
}
const amountCents: Field = { name: 'amountCents', type: 'long' };

/** A command, not an event: the service asks for a trip, and the saga it starts answers it. */
export const BookTrip = message<BookTrip>('command', 'trips.commands', 'BookTrip', [
  { name: 'hotel', type: 'string' },
  { name: 'nights', type: 'int' },
  amountCents,
]);
export const BookHotel = message<BookHotel>('command', 'hotel.commands', 'BookHotel', [
  { name: 'hotel', type: 'string' },
  { name: 'nights', type: 'int' },
]);
export const CancelHotel = message<TripRef>('command', 'hotel.commands', 'CancelHotel');
export const HotelBooked = message<TripRef>('event', 'hotel.events', 'HotelBooked');
export const HotelCancelled = message<TripRef>('event', 'hotel.events', 'HotelCancelled');
export const ChargeCard = message<ChargeCard>('command', 'payment.commands', 'ChargeCard', [amountCents]);
export const CardCharged = message<ChargeCard>('event', 'payment.events', 'CardCharged', [amountCents]);
export const CardDeclined = message<CardDeclined>('event', 'payment.events', 'CardDeclined', [
  { name: 'reason', type: 'string' },
]);

/** Every message type this service writes or reads: the `catalog` of its Sagaflow configuration. */
export const catalog: AnyMessageType[] = [
  BookTrip,
  BookHotel,
  CancelHotel,
  HotelBooked,
  HotelCancelled,
  ChargeCard,
  CardCharged,
  CardDeclined,
];
