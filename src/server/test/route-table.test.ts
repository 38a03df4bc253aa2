import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Operation {
  'x-permission'?: string;
  responses?: Record<string, unknown>;
}

async function openapi(): Promise<{ paths: Record<string, Record<string, Operation>> }> {
  const res = await t.app.request('/api/openapi.json');
  return (await res.json()) as { paths: Record<string, Record<string, Operation>> };
}

describe('route table', () => {
  it('declares who may call every API route (review this snapshot on every change)', async () => {
    const doc = await openapi();
    const lines: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(op['x-permission'], `${method} ${path} declares no permission`).toBeTruthy();
        lines.push(`${method.toUpperCase().padEnd(6)} ${path.padEnd(48)} → ${op['x-permission']}`);
      }
    }
    lines.sort();
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('./__snapshots__/route-permissions.txt');
  });

  it('documents every /api/v1 route in the OpenAPI document', async () => {
    const doc = await openapi();
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)),
    );
    const served = t.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    for (const route of new Set(served)) expect(documented, `${route} is not in the OpenAPI document`).toContain(route);
  });

  it('gives every operation request and response schemas', async () => {
    const doc = await openapi();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });
});
