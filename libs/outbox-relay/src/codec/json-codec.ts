import { CodecError } from '../errors/sagaflow-error';
import { ContentType } from '../message/headers';
import type { AnyMessageType } from '../message/message-type';
import type { MessageCodec } from './message-codec';

/** Plain JSON values, for users without a schema registry. Payloads are still checked against the schema. */
export class JsonCodec implements MessageCodec {
  readonly contentType = ContentType.json;

  /** @throws CodecError (not retriable) when the payload does not match the type's schema. */
  async encode(type: AnyMessageType, payload: unknown): Promise<Buffer> {
    checked(type, payload, 'encode');
    return Buffer.from(JSON.stringify(payload));
  }

  /** @throws CodecError (not retriable) when the value is not JSON or does not match the schema. */
  async decode(value: Buffer, type: AnyMessageType): Promise<unknown> {
    let payload: unknown;
    try {
      payload = JSON.parse(value.toString('utf8'));
    } catch (cause) {
      throw new CodecError(`JSON decode of ${type.name} failed: ${(cause as Error).message}`, {
        retriable: false,
        cause,
        context: { messageType: type.name },
      });
    }
    return checked(type, payload, 'decode');
  }
}

function checked(type: AnyMessageType, payload: unknown, op: string): unknown {
  try {
    type.validate(payload);
    return payload;
  } catch (cause) {
    throw new CodecError(`JSON ${op} of ${type.name}: ${(cause as Error).message}`, {
      retriable: false,
      cause,
      context: { messageType: type.name },
    });
  }
}
