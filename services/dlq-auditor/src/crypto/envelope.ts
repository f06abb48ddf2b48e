import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { DsrError } from '@dsr/shared';
import { KEY_BYTES, type Keyring } from './keyring';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A record's personal part, sealed under a fresh data key that is itself wrapped. */
export interface Envelope {
  dataKeyId: string;
  masterKeyId: string;
  /** nonce ‖ encrypted data key ‖ tag, under the master key. */
  wrappedKey: Buffer;
  /** The nonce the record was sealed with. */
  nonce: Buffer;
  /** Ciphertext ‖ tag of the personal part. */
  sealed: Buffer;
}

/**
 * Seals `plaintext` with AES-256-GCM under a new random data key and wraps that key under the
 * keyring's active master key. `context` is authenticated but not encrypted: it binds the
 * ciphertext to the record it belongs to, so sealed bytes moved to another row fail to open.
 */
export function sealEnvelope(plaintext: Buffer, context: string, keyring: Keyring): Envelope {
  const dataKeyId = randomUUID();
  const masterKeyId = keyring.activeKeyId;
  const dataKey = randomBytes(KEY_BYTES);

  try {
    const record = encrypt(dataKey, plaintext, recordAad(dataKeyId, context));
    const wrapped = encrypt(keyring.key(masterKeyId), dataKey, keyAad(dataKeyId, masterKeyId));
    return {
      dataKeyId,
      masterKeyId,
      wrappedKey: Buffer.concat([wrapped.nonce, wrapped.sealed]),
      nonce: record.nonce,
      sealed: record.sealed,
    };
  } finally {
    dataKey.fill(0);
  }
}

/** What is needed to open an envelope; `wrappedKey` is absent once the key was shredded. */
export interface OpenRequest {
  dataKeyId: string;
  masterKeyId: string;
  wrappedKey: Buffer | null;
  nonce: Buffer;
  sealed: Buffer;
}

/**
 * Unwraps the data key and opens the sealed part. Throws RECORD_SHREDDED when the data key was
 * destroyed, KEY_NOT_FOUND when its master key is no longer configured, and
 * RECORD_CHAIN_BROKEN when authentication fails (the bytes or their context were altered).
 */
export function openEnvelope(request: OpenRequest, context: string, keyring: Keyring): Buffer {
  if (request.wrappedKey === null) {
    throw new DsrError('RECORD_SHREDDED', 'the data key of this record was destroyed', {
      context: { dataKeyId: request.dataKeyId },
    });
  }

  const master = keyring.key(request.masterKeyId);
  const wrapNonce = request.wrappedKey.subarray(0, NONCE_BYTES);
  const wrapSealed = request.wrappedKey.subarray(NONCE_BYTES);
  const aad = keyAad(request.dataKeyId, request.masterKeyId);
  const dataKey = decrypt(master, wrapNonce, wrapSealed, aad, request.dataKeyId);

  try {
    const recordContext = recordAad(request.dataKeyId, context);
    return decrypt(dataKey, request.nonce, request.sealed, recordContext, request.dataKeyId);
  } finally {
    dataKey.fill(0);
  }
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { nonce: Buffer; sealed: Buffer } {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, sealed: Buffer.concat([body, cipher.getAuthTag()]) };
}

function decrypt(
  key: Buffer,
  nonce: Buffer,
  sealed: Buffer,
  aad: Buffer,
  dataKeyId: string,
): Buffer {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch (cause) {
    throw new DsrError('RECORD_CHAIN_BROKEN', 'sealed data failed authentication', {
      cause,
      context: { dataKeyId },
    });
  }
}

function recordAad(dataKeyId: string, context: string): Buffer {
  return Buffer.from(`dsr.auditor.record.v1|${dataKeyId}|${context}`, 'utf8');
}

function keyAad(dataKeyId: string, masterKeyId: string): Buffer {
  return Buffer.from(`dsr.auditor.data-key.v1|${dataKeyId}|${masterKeyId}`, 'utf8');
}
