import { uniqueTopicName } from '@sagaflow/stack';
import { describe, expect, inject, it } from 'vitest';
import { AvroRegistryCodec, defineMessage } from '../src/index';

// A process killed between registering a new subject and setting its compatibility leaves the subject at
// another level; the registry client then refuses every registration of it. Nothing lost means the
// codec must recover from that state, not refuse that message type forever.
describe('AvroRegistryCodec after a crash mid-registration', () => {
  it('registers and encodes a type whose subject was left at compatibility NONE', async () => {
    const { schemaRegistryUrl } = inject('stack');
    const topic = uniqueTopicName('codec-crash');
    const ns = `crash${topic.split('.').at(-1)}`;
    const type = defineMessage<{ id: string }>({
      topic,
      kind: 'event',
      key: (m) => m.id,
      schema: { type: 'record', namespace: ns, name: 'Happened', fields: [{ name: 'id', type: 'string' }] },
    });
    const subject = AvroRegistryCodec.subjectOf(type);
    const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
    // the state a crash leaves: the subject exists, its level is not the one the client expects
    const registered = await fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schema: JSON.stringify(type.schema) }),
    });
    expect(registered.status).toBe(200);
    const setNone = await fetch(`${schemaRegistryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ compatibility: 'NONE' }),
    });
    expect(setNone.status).toBe(200);

    const codec = new AvroRegistryCodec({ registryUrl: schemaRegistryUrl });
    const value = await codec.encode(type, { id: 'a-1' });
    expect(await codec.decode(value, type)).toEqual({ id: 'a-1' });
    const config = (await (
      await fetch(`${schemaRegistryUrl}/config/${encodeURIComponent(subject)}`)
    ).json()) as {
      compatibilityLevel: string;
    };
    expect(config.compatibilityLevel).toBe('BACKWARD');
  });

  it('keeps a level an operator chose for a subject, and still registers', async () => {
    const { schemaRegistryUrl } = inject('stack');
    const topic = uniqueTopicName('codec-level');
    const ns = `level${topic.split('.').at(-1)}`;
    const type = defineMessage<{ id: string }>({
      topic,
      kind: 'event',
      key: (m) => m.id,
      schema: { type: 'record', namespace: ns, name: 'Chosen', fields: [{ name: 'id', type: 'string' }] },
    });
    const subject = AvroRegistryCodec.subjectOf(type);
    const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
    await fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schema: JSON.stringify(type.schema) }),
    });
    await fetch(`${schemaRegistryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ compatibility: 'FULL' }),
    });
    const codec = new AvroRegistryCodec({ registryUrl: schemaRegistryUrl });
    expect(await codec.decode(await codec.encode(type, { id: 'b' }), type)).toEqual({ id: 'b' });
    const config = (await (
      await fetch(`${schemaRegistryUrl}/config/${encodeURIComponent(subject)}`)
    ).json()) as {
      compatibilityLevel: string;
    };
    expect(config.compatibilityLevel).toBe('FULL');
  });
});
