import { AvroRegistryCodec } from './avro-registry-codec';
import { JsonCodec } from './json-codec';
import type { MessageCodec } from './message-codec';

/** Which codec to use: Avro through a registry (the contract's default), or plain JSON. */
export type CodecConfig = { kind: 'avro'; registryUrl: string } | { kind: 'json' };

/** The codec a configuration names. */
export function createCodec(config: CodecConfig): MessageCodec {
  return config.kind === 'avro'
    ? new AvroRegistryCodec({ registryUrl: config.registryUrl })
    : new JsonCodec();
}
