import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DsrError } from '@dsr/shared';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals held tasks at rest. A held deletion carries the subject's email, and the router's table
 * is not the place for it in clear: AES-256-GCM under a key derived (HKDF-SHA256) from the
 * deployment's subject-key secret, with a purpose label so the key is used for nothing else.
 * Layout: 12-byte IV, 16-byte tag, ciphertext.
 */
export class HeldTaskCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'dsr-router', 'held-deletion-v1', 32));
  }

  seal(plain: Buffer, requestId: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(requestId, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, requestId: string): Buffer {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(requestId, 'utf8'));
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (cause) {
      throw new DsrError(
        'CONFIG_INVALID',
        'a held task cannot be opened: was the subject-key secret changed?',
        {
          cause,
          context: { request_id: requestId },
        },
      );
    }
  }
}
