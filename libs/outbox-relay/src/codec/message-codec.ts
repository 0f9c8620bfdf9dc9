import type { AnyMessageType } from '../message/message-type';

/**
 * Turns payloads into Kafka record values and back. Chosen by configuration ({@link createCodec}),
 * never silently; its `contentType` goes into every record's `content-type` header.
 */
export interface MessageCodec {
  readonly contentType: string;
  /** @throws CodecError, `retriable` when the registry could not be reached. */
  encode(type: AnyMessageType, payload: unknown): Promise<Buffer>;
  /** @throws CodecError when the value is not a valid encoding of `type`. */
  decode(value: Buffer, type: AnyMessageType): Promise<unknown>;
}
