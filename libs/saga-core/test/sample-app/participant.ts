import { request } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { CommandHandler, type MessageContext, type SagaflowTransactions } from '../../src/index';
import type { Contracts, OrderCommand } from './contracts';

/** The participant's own table: one row per effect applied, in order. */
export const participantSchemaSql = /* sql */ `
  create table if not exists sample_effect (
    seq bigserial primary key, order_id text not null, action text not null, correlation_id text not null
  );
  create table if not exists sample_pending (order_id text primary key, correlation_id text not null, command_id text not null, amount int not null);
  create table if not exists sample_outage (order_id text primary key);`;

/**
 * A tiny participant for reserve / charge / ship and their compensations. The order's `scenario` tells it to
 * fail a step, to stay silent, to answer late (when the test says so), to fail shipping while the test
 * holds an outage (`outage-ship`), or to answer something the saga cannot take (poison).
 */
export function createParticipant(c: Contracts) {
  class SampleParticipant {
    @CommandHandler(c.ReserveStock, { emits: [c.StockReserved, c.StockReservationFailed] })
    async reserve(cmd: OrderCommand, ctx: MessageContext): Promise<void> {
      if (cmd.scenario === 'slow') await sleep(100);
      if (cmd.scenario === 'fail-reserve')
        return void (await ctx.emit(c.StockReservationFailed, reply(cmd, 'out of stock')));
      await effect(ctx, cmd, 'reserve');
      await ctx.emit(c.StockReserved, reply(cmd));
    }

    @CommandHandler(c.ReleaseStock, { emits: [c.StockReleased] })
    async release(cmd: OrderCommand, ctx: MessageContext): Promise<void> {
      await effect(ctx, cmd, 'release');
      // releases, but its confirmation never reaches the saga
      if (cmd.scenario === 'fail-charge-silent-release') return;
      await ctx.emit(c.StockReleased, reply(cmd));
    }

    @CommandHandler(c.ChargePayment, { emits: [c.PaymentCharged, c.PaymentFailed] })
    async charge(cmd: OrderCommand, ctx: MessageContext): Promise<void> {
      if (cmd.scenario === 'slow') await sleep(100);
      if (cmd.scenario === 'fail-charge' || cmd.scenario === 'fail-charge-silent-release')
        return void (await ctx.emit(c.PaymentFailed, reply(cmd, 'card declined')));
      if (cmd.scenario === 'silent-charge') return;
      if (cmd.scenario === 'late-charge') {
        await ctx.client.query(
          'insert into sample_pending (order_id, correlation_id, command_id, amount) values ($1, $2, $3, $4) on conflict do nothing',
          [cmd.orderId, ctx.headers.correlationId, ctx.headers.messageId, cmd.amount],
        );
        return;
      }
      await effect(ctx, cmd, 'charge');
      await ctx.emit(c.PaymentCharged, {
        ...reply(cmd),
        amount: cmd.scenario === 'poison-saga' ? -1 : cmd.amount,
      });
    }

    @CommandHandler(c.RefundPayment, { emits: [c.PaymentRefunded] })
    async refund(cmd: OrderCommand, ctx: MessageContext): Promise<void> {
      await effect(ctx, cmd, 'refund');
      await ctx.emit(c.PaymentRefunded, reply(cmd));
    }

    @CommandHandler(c.ScheduleShipment, { emits: [c.ShipmentScheduled, c.ShipmentFailed] })
    async ship(cmd: OrderCommand, ctx: MessageContext): Promise<void> {
      if (cmd.scenario === 'slow') await sleep(100);
      if (cmd.scenario === 'fail-ship')
        return void (await ctx.emit(c.ShipmentFailed, reply(cmd, 'no carrier')));
      // the handler's own call fails every time: the command ends on the dead-letter topic
      if (cmd.scenario === 'throw-ship') throw new Error('carrier API rejected the shipment');
      // the carrier is down for this order until the test ends the outage (a row in sample_outage)
      if (cmd.scenario === 'outage-ship') {
        const down = await ctx.client.query('select 1 from sample_outage where order_id = $1', [cmd.orderId]);
        if (down.rowCount) throw new Error('carrier API is down');
      }
      // the carrier's API refuses the connection every time: the handler's own call, not our database
      if (cmd.scenario === 'refused-ship') await callCarrier(await closedCarrierUrl());
      await effect(ctx, cmd, 'ship');
      await ctx.emit(c.ShipmentScheduled, reply(cmd));
    }
  }
  return SampleParticipant;
}

/** Sends the charge reply a `late-charge` order is waiting for, as the participant would, late. */
export async function answerLateCharge(
  c: Contracts,
  tx: SagaflowTransactions,
  orderId: string,
): Promise<void> {
  await tx.run(async (t) => {
    const { rows } = await t.client.query<{ correlation_id: string; command_id: string; amount: number }>(
      'delete from sample_pending where order_id = $1 returning correlation_id, command_id, amount',
      [orderId],
    );
    const row = rows[0];
    if (!row) throw new Error(`no pending charge for ${orderId}`);
    await t.client.query(
      `insert into sample_effect (order_id, action, correlation_id) values ($1, 'charge', $2)`,
      [orderId, row.correlation_id],
    );
    await t.emit(
      c.PaymentCharged,
      { orderId, amount: row.amount, reason: null },
      // sent outside a handler, it still names what it answers
      { correlationId: row.correlation_id, causationId: row.command_id },
    );
  });
}

/** The participant's effects for one order, in the order applied. */
export async function effectsOf(pool: Pool, orderId: string): Promise<string[]> {
  const { rows } = await pool.query<{ action: string }>(
    'select action from sample_effect where order_id = $1 order by seq',
    [orderId],
  );
  return rows.map((r) => r.action);
}

let closedUrl: Promise<string> | undefined;

/** The URL of a port nothing listens on (one was bound and closed again): a call there is refused. */
function closedCarrierUrl(): Promise<string> {
  closedUrl ??= new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(`http://127.0.0.1:${port}/shipments`));
    });
  });
  return closedUrl;
}

/** A POST to the carrier as a handler would make it; rejects with Node's socket error (`code` ECONNREFUSED). */
function callCarrier(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

function reply(cmd: OrderCommand, reason: string | null = null) {
  return { orderId: cmd.orderId, amount: cmd.amount, reason };
}

async function effect(ctx: MessageContext, cmd: OrderCommand, action: string): Promise<void> {
  await ctx.client.query('insert into sample_effect (order_id, action, correlation_id) values ($1, $2, $3)', [
    cmd.orderId,
    action,
    ctx.headers.correlationId,
  ]);
}
