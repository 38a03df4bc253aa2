import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { nodeRedirectHandler } from './modules/tracking/routes.ts';
import { createApp } from './app.ts';
import type { Config } from './platform/config.ts';
import { AppError } from './platform/errors.ts';
import type { Services } from './platform/http.ts';
import { buildServices, closeServices } from './platform/services.ts';
import { DEMO_MANAGER, DEMO_OWNER, DEMO_PARTNER_USER, databaseIsEmpty, seedDemo } from './seed/demo.ts';

export interface RunningServer {
  services: Services;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** config → database → migrations → (demo data) → jobs → HTTP. */
export async function startServer(config: Config, options: { quiet?: boolean } = {}): Promise<RunningServer> {
  const started = performance.now();
  const say = (line: string) => {
    if (!options.quiet) process.stdout.write(`${line}\n`);
  };
  const s = await buildServices(config);
  if (config.seedDemo && (await databaseIsEmpty(s))) {
    await seedDemo(s);
    say('Seeded the demo workspace “Acme Cloud (demo)”.');
  }
  if (config.runJobs) await s.jobs.start();
  const app = createApp(s);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    // The click redirect is answered at the node:http level, before Hono (ARCHITECTURE "Hot paths").
    const redirect = nodeRedirectHandler(s);
    const withRedirect = ((options: object, listener: Parameters<typeof createServer>[0]) =>
      createServer(options, (req, res) => {
        if (!redirect(req, res)) (listener as (q: typeof req, r: typeof res) => void)(req, res);
      })) as unknown as typeof createServer;
    const srv = serve({ fetch: app.fetch, port: config.port, hostname: config.host, createServer: withRedirect }, () => resolve(srv));
    srv.once('error', (error: NodeJS.ErrnoException) => {
      void closeServices(s);
      reject(
        error.code === 'EADDRINUSE'
          ? new AppError('bad_request', `Port ${config.port} is already in use; set PORT to another port`)
          : error,
      );
    });
  });
  const port = (server.address() as AddressInfo).port;
  const ms = Math.round(performance.now() - started);
  say(`OpenPRM is ready in ${ms} ms on ${config.publicUrl} (${s.database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`);
  say(`  Console  ${config.publicUrl}/app     Portal  ${config.publicUrl}/portal`);
  say(`  API      ${config.publicUrl}/api/v1  Docs    ${config.publicUrl}/api/docs`);
  if (config.seedDemo) {
    say(`  Demo sign-ins: ${DEMO_OWNER.email} / ${DEMO_OWNER.password} (owner), ${DEMO_MANAGER.email} / ${DEMO_MANAGER.password} (partner manager)`);
    say(`  Partner portal: ${DEMO_PARTNER_USER.email} — sign in at /portal/sign-in; the link is in the console's Settings › Mail outbox`);
  }
  if (s.mailer.mode === 'captured') say('  Mail: no SMTP_URL, so emails are captured in the console (Settings › Mail outbox).');
  s.log.info({ port, ms }, 'ready');

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeServices(s);
    })();
    return stopping;
  };
  return { services: s, port, url: config.publicUrl, stop };
}
