import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageCatalog } from '../message/message-catalog';
import type { AnyMessageType } from '../message/message-type';
import { CliUsageError } from './parse-relay-args';

/**
 * Loads the message types a relay publishes from a module: an exported MessageCatalog, or every exported
 * MessageType (arrays of them too).
 * @throws CliUsageError naming --catalog when the module cannot be loaded or exports no type.
 */
export async function loadCatalog(modulePath: string): Promise<MessageCatalog> {
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliUsageError('--catalog', `cannot load module ${modulePath}: ${(error as Error).message}`);
  }
  const values = Object.values(exported).concat(
    Object.values((exported.default as object | undefined) ?? {}),
  );
  const catalog = values.find((v): v is MessageCatalog => v instanceof MessageCatalog);
  if (catalog) return catalog;
  const types = values.flat().filter(isMessageType);
  if (types.length === 0) {
    throw new CliUsageError('--catalog', `module ${modulePath} exports no MessageType and no MessageCatalog`);
  }
  return new MessageCatalog(types);
}

function isMessageType(v: unknown): v is AnyMessageType {
  const t = v as Partial<AnyMessageType> | undefined;
  return (
    typeof t?.name === 'string' &&
    typeof t.topic === 'string' &&
    typeof t.validate === 'function' &&
    !!t.avroType
  );
}
