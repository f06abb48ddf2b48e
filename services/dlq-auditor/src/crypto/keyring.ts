import { ConfigError, DsrError } from '@dsr/shared';

/** AES-256 keys are 32 bytes. */
export const KEY_BYTES = 32;

/**
 * The master keys that wrap data keys, by id. New data keys are wrapped by the active key; the
 * others are kept so that records sealed before a rotation stay readable.
 */
export interface Keyring {
  readonly activeKeyId: string;
  /** The key with this id; throws KEY_NOT_FOUND when it is not (or no longer) configured. */
  key(id: string): Buffer;
  /** Every configured key id, oldest first as configured. */
  readonly keyIds: readonly string[];
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `id:base64key,id:base64key,...` (as in DSR_AUDITOR_MASTER_KEYS). The active key is
 * `activeKeyId` when given, otherwise the last one listed, so rotating means appending a key.
 */
export function parseKeyring(spec: string, activeKeyId?: string): Keyring {
  const keys = new Map<string, Buffer>();

  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (separator < 1 || !KEY_ID.test(id)) {
      throw new ConfigError('master key entries must read "<id>:<base64 key>" with a plain id', {
        context: { option: 'DSR_AUDITOR_MASTER_KEYS' },
      });
    }
    if (key.length !== KEY_BYTES) {
      throw new ConfigError(`master key "${id}" must be ${KEY_BYTES} bytes of base64`, {
        context: { option: 'DSR_AUDITOR_MASTER_KEYS', keyId: id },
      });
    }
    if (keys.has(id)) {
      throw new ConfigError(`master key id "${id}" is listed twice`, { context: { keyId: id } });
    }
    keys.set(id, key);
  }

  return keyringOf(keys, activeKeyId);
}

function keyringOf(keys: Map<string, Buffer>, activeKeyId?: string): Keyring {
  const keyIds = Object.freeze([...keys.keys()]);
  const active = activeKeyId ?? keyIds[keyIds.length - 1];

  if (active === undefined) {
    throw new ConfigError('DSR_AUDITOR_MASTER_KEYS must hold at least one key', {
      context: { option: 'DSR_AUDITOR_MASTER_KEYS' },
    });
  }
  if (!keys.has(active)) {
    throw new ConfigError(`active master key "${active}" is not among the configured keys`, {
      context: { option: 'DSR_AUDITOR_ACTIVE_KEY_ID', keyId: active },
    });
  }

  return {
    activeKeyId: active,
    keyIds,
    key(id: string): Buffer {
      const key = keys.get(id);
      if (!key) {
        throw new DsrError('KEY_NOT_FOUND', `master key "${id}" is not configured`, {
          context: { keyId: id },
        });
      }
      return key;
    },
  };
}
