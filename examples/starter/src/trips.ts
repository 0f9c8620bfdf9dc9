// Nest injects by the emitted type of the constructor's parameters: that import must stay a value import.
/* eslint-disable @typescript-eslint/consistent-type-imports */
import { Injectable } from '@nestjs/common';
import { SagaflowTransactions } from '@sagaflow/saga-core';
import { BookTrip } from './messages';

/** What the service's own code (an HTTP handler, a job) calls to start a trip's saga. */
@Injectable()
export class Trips {
  constructor(private readonly transactions: SagaflowTransactions) {}

  /** Records the trip and sends BookTrip, which starts the saga, in one transaction: both commit, or neither. */
  async request(trip: BookTrip): Promise<void> {
    await this.transactions.run(async (tx) => {
      await tx.client.query('insert into trip (trip_id) values ($1)', [trip.tripId]);
      await tx.emit(BookTrip, trip);
    });
  }
}
