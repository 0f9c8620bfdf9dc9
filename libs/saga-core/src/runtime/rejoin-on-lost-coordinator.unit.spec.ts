import { describe, expect, it } from 'vitest';
import { lostCoordinator, rejoinOnLostCoordinator } from './rejoin-on-lost-coordinator';

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function kafkaError(name: string, cause?: unknown): Error {
  return Object.assign(new Error(name), { name, cause });
}

describe('rejoinOnLostCoordinator', () => {
  it('recognises a dead coordinator through kafkajs’s cause chain, and nothing else', () => {
    const retriesExceeded = kafkaError('KafkaJSNumberOfRetriesExceeded', kafkaError('KafkaJSBrokerNotFound'));
    expect(lostCoordinator(retriesExceeded)).toBe(true);
    expect(lostCoordinator(Object.assign(new Error('x'), { type: 'NOT_COORDINATOR_FOR_GROUP' }))).toBe(true);
    expect(lostCoordinator(kafkaError('KafkaJSProtocolError'))).toBe(false);
    expect(lostCoordinator(undefined)).toBe(false);
  });

  it('rejoins once per loss, outside the failing commit, and still reports the commit as failed', async () => {
    let rejoins = 0;
    let done: () => void = () => undefined;
    const rejoined = new Promise<void>((resolve) => (done = resolve));
    const commit = rejoinOnLostCoordinator({
      commit: () => Promise.reject(kafkaError('KafkaJSBrokerNotFound')),
      rejoin: async () => {
        rejoins++;
        done();
      },
      logger: quiet,
    });
    await expect(commit('t', 0, '1')).rejects.toThrow('KafkaJSBrokerNotFound');
    await expect(commit('t', 0, '2')).rejects.toThrow('KafkaJSBrokerNotFound');
    await rejoined;
    expect(rejoins).toBe(1);
  });

  it('does not rejoin on other commit failures', async () => {
    let rejoins = 0;
    const commit = rejoinOnLostCoordinator({
      commit: () => Promise.reject(kafkaError('KafkaJSProtocolError')),
      rejoin: async () => void rejoins++,
      logger: quiet,
    });
    await expect(commit('t', 0, '1')).rejects.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(rejoins).toBe(0);
  });
});
