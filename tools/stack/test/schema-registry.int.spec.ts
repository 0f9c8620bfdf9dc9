import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, inject, it } from 'vitest';
import { uniqueTopicName } from '../src/index';

// Proves the registry is a real Confluent-compatible one: subjects by TopicRecordNameStrategy, the
// Confluent wire format, and BACKWARD compatibility enforced by the registry itself.
describe('schema registry (real, Confluent API) with @kafkajs/confluent-schema-registry', () => {
  const { schemaRegistryUrl } = inject('stack');
  const registry = new SchemaRegistry({ host: schemaRegistryUrl });
  const topic = uniqueTopicName('stack.registry-spec');
  const namespace = `spec${topic.split('.').at(-1)}`;
  const subject = `${topic}-${namespace}.StockReserved`;
  const v1 = {
    type: 'record',
    name: 'StockReserved',
    namespace,
    fields: [
      { name: 'orderId', type: 'string' },
      { name: 'quantity', type: 'int' },
    ],
  };

  it('registers under a TopicRecordNameStrategy subject and round-trips the Confluent wire format', async () => {
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
      { subject },
    );
    const subjects = (await (await fetch(`${schemaRegistryUrl}/subjects`)).json()) as string[];
    expect(subjects).toContain(subject);

    const encoded = await registry.encode(id, { orderId: 'o-1', quantity: 3 });
    expect(encoded[0]).toBe(0); // magic byte
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await registry.decode(encoded)).toEqual({ orderId: 'o-1', quantity: 3 });
  });

  it('accepts a BACKWARD-compatible change (a new field with a default)', async () => {
    const v2 = { ...v1, fields: [...v1.fields, { name: 'warehouse', type: 'string', default: 'main' }] };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v2) },
      { subject },
    );
    const decoded = await registry.decode(
      await registry.encode(id, { orderId: 'o-2', quantity: 1, warehouse: 'x' }),
    );
    expect(decoded).toEqual({ orderId: 'o-2', quantity: 1, warehouse: 'x' });
  });

  it("rejects a BACKWARD-incompatible change with the registry's own error", async () => {
    const incompatible = { ...v1, fields: [...v1.fields, { name: 'sku', type: 'string' }] };
    const error = await registry
      .register({ type: SchemaType.AVRO, schema: JSON.stringify(incompatible) }, { subject })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { status?: number },
      );
    expect(error, 'a new field without default must not be registered').toBeDefined();
    expect(error!.status).toBe(409);
    expect(error!.message).toMatch(/incompatib/i);
  });
});
