import { Header } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import {
  batchRanges,
  deriveInteractions,
  interactionCandidates,
  type StoredChild,
  type StoredNode,
} from './derive-interactions';
import { projectMessage, type ProjectedMessage } from './projected-message';

function message(
  topic: string,
  offset: string,
  id: string,
  type: string,
  source: string,
  cause?: string,
): ProjectedMessage {
  const headers: Record<string, string> = {
    [Header.messageId]: id,
    [Header.messageType]: type,
    [Header.correlationId]: 'corr-1',
    [Header.source]: source,
    [Header.occurredAt]: '2025-01-01T00:00:00.000Z',
  };
  if (cause) headers[Header.causationId] = cause;
  return projectMessage(
    topic,
    0,
    { offset, key: null, value: null, headers, timestamp: '1735689600000' },
    { payload: null, error: null },
  );
}

const node = (m: ProjectedMessage): StoredNode => ({
  messageId: m.messageId!,
  messageType: m.messageType,
  source: m.source,
  topic: m.topic,
  partition: m.partition,
  offset: m.offset,
});

const child = (m: ProjectedMessage): StoredChild => ({
  messageId: m.messageId!,
  causationId: m.causationId!,
  source: m.source!,
  correlationId: m.correlationId,
  at: new Date(m.occurredAt!),
  topic: m.topic,
  partition: m.partition,
  offset: m.offset,
});

const placed = message('order.events', '10', 'p', 'OrderPlaced', 'order-service');
const reserve = message('inventory.commands', '20', 'c', 'ReserveStock', 'inventory-service', 'p');
const edge = { producer: 'order-service', event: 'OrderPlaced', consumer: 'inventory-service' };

describe('deriveInteractions', () => {
  it('counts a child whose cause was stored before, once', () => {
    const batch = [reserve];
    const edges = deriveInteractions(
      interactionCandidates(batch),
      [node(placed), node(reserve)],
      [],
      batchRanges(batch),
    );
    expect(edges).toEqual([expect.objectContaining(edge)]);
  });

  it('counts a child stored before its cause when the cause arrives, and not again as a child', () => {
    const batch = [placed];
    const edges = deriveInteractions(
      interactionCandidates(batch),
      [node(placed)],
      [child(reserve)],
      batchRanges(batch),
    );
    expect(edges).toEqual([expect.objectContaining({ ...edge, correlationId: 'corr-1' })]);
  });

  it('counts a pair inside one batch once (as a child, not again as a parent)', () => {
    const p = message('t', '1', 'p', 'OrderPlaced', 'order-service');
    const c = message('t', '2', 'c', 'ReserveStock', 'inventory-service', 'p');
    const batch = [p, c];
    const edges = deriveInteractions(
      interactionCandidates(batch),
      [node(p), node(c)],
      [child(c)],
      batchRanges(batch),
    );
    expect(edges).toHaveLength(1);
  });

  it('adds nothing for a re-published copy of a message already stored outside the batch', () => {
    const copy = { ...reserve, offset: '21' };
    const batch = [copy];
    const edges = deriveInteractions(
      interactionCandidates(batch),
      [node(placed), node(reserve), node(copy)],
      [],
      batchRanges(batch),
    );
    expect(edges).toEqual([]);
  });

  it('counts a copy in the same batch once, and ignores dead-letter copies', () => {
    const copy = { ...reserve, offset: '21' };
    const dead = { ...reserve, topic: 'inventory.commands.dlt', offset: '0' };
    const batch = [reserve, copy, dead];
    const edges = deriveInteractions(
      interactionCandidates(batch),
      [node(placed), node(reserve), node(copy)],
      [],
      batchRanges(batch.filter((m) => !m.topic.endsWith('.dlt'))),
    );
    expect(edges).toHaveLength(1);
  });

  it('adds nothing when the cause is unknown', () => {
    const batch = [reserve];
    expect(deriveInteractions(interactionCandidates(batch), [node(reserve)], [], batchRanges(batch))).toEqual(
      [],
    );
  });
});
