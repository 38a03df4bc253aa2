import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { desc } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type Database } from './db.ts';
import { AppError } from './errors.ts';
import { Mailer } from './mail.ts';
import { mailMessage } from './schema.ts';

let database: Database;
const received: { to: string; raw: string }[] = [];
let server: SMTPServer;
let port: number;
let failNext = false;

beforeAll(async () => {
  database = await openDatabase({ databaseUrl: null, dataDir: null });
  await runMigrations(database);
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(_address, _session, callback) {
      if (failNext) {
        failNext = false;
        return callback(new Error('mailbox unavailable'));
      }
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo[0]?.address ?? '', raw });
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.close();
  await database.close();
});

const mail = (key: string) => ({ workspaceId: null, idempotencyKey: key, to: 'pat@example.com', subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' });

describe('Mailer', () => {
  it('sends over SMTP and records the message as sent, once per idempotency key', async () => {
    const mailer = new Mailer(database.db, `smtp://127.0.0.1:${port}`, 'OpenPRM <no-reply@example.com>');
    await mailer.send(mail('k1'));
    await mailer.send(mail('k1'));
    expect(received.filter((r) => r.raw.includes('Subject: Hello'))).toHaveLength(1);
    const [row] = await database.db.select().from(mailMessage).orderBy(desc(mailMessage.id)).limit(1);
    expect(row).toMatchObject({ status: 'sent', transport: 'smtp', to: 'pat@example.com' });
    await mailer.close();
  });

  it('records a failure and throws a retryable error, then sends on retry', async () => {
    const mailer = new Mailer(database.db, `smtp://127.0.0.1:${port}`, 'OpenPRM <no-reply@example.com>');
    failNext = true;
    const error = await mailer.send(mail('k2')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const [failed] = await database.db.select().from(mailMessage).orderBy(desc(mailMessage.id)).limit(1);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('mailbox unavailable') });
    await mailer.send(mail('k2'));
    const [sent] = await database.db.select().from(mailMessage).orderBy(desc(mailMessage.id)).limit(1);
    expect(sent.status).toBe('sent');
    await mailer.close();
  });

  it('captures email without SMTP_URL instead of dropping it', async () => {
    const mailer = new Mailer(database.db, null, 'x@example.com');
    await mailer.send(mail('k3'));
    const [row] = await database.db.select().from(mailMessage).orderBy(desc(mailMessage.id)).limit(1);
    expect(row).toMatchObject({ status: 'captured', transport: 'captured', text: 'Hi' });
  });
});
