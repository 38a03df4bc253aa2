import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from './errors.ts';

/**
 * Field encryption for secrets at rest (tax ids, bank account numbers, provider API keys):
 * AES-256-GCM with a key derived by HKDF-SHA256 from the instance secret (AUTH_SECRET or the
 * generated one in instance_setting). A value is `v1.<iv>.<tag>.<ciphertext>` in base64url; the
 * purpose (e.g. `tax_id`) is bound as associated data so a ciphertext cannot be moved to
 * another field. Rotating the instance secret makes stored values unreadable: keep it.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(appSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', appSecret, 'openprm-field-encryption', 'aes-256-gcm:v1', 32));
  }

  encrypt(plaintext: string, purpose: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(value: string, purpose: string): string {
    const [version, iv, tag, ciphertext] = value.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new AppError('internal', 'Unreadable encrypted value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new AppError('internal', 'An encrypted value could not be decrypted (was the instance secret changed?)', { cause });
    }
  }
}

/** Shows only the last `visible` characters: `•••• 1234`. */
export function maskTail(value: string, visible = 4, pattern?: string): string {
  const tail = value.slice(-visible);
  if (pattern) return `${pattern}${tail}`;
  return `•••• ${tail}`;
}
