import { createHmac } from 'node:crypto';
import { hashSecret } from './http.ts';

/**
 * Invitation tokens are derived from the record id with the instance secret, so the
 * database stores only their hash and the email job can rebuild the link without the
 * token ever being written to the outbox.
 */
export class TokenService {
  constructor(private readonly secret: string) {}

  derive(purpose: 'invitation' | 'partner_invitation' | 'registration_link' | 'signed_link', id: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}:${id}`).digest('base64url');
  }

  hash(token: string): string {
    return hashSecret(token);
  }
}
