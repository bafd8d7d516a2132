import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { expect, test } from '@playwright/test';
import YAML from 'yaml';

/*
 * The production build, two replicas on one PostgreSQL, as
 * script/lib/test-production.sh starts them (the compiled backend, run as
 * the Dockerfile runs it) before it runs this file: a page connected to
 * either replica gets a cluster change exactly once, and the template runs
 * on either.
 */

const ROOT = path.join(__dirname, '..', '..');
const REPLICAS = (process.env.MESH_PRODUCTION_REPLICAS ?? '')
  .split(',')
  .filter(Boolean);
const DEMO_DIR = process.env.MESH_DEMO_DIR ?? '';
const ENTITY = 'component:default/checkout';
/** meshSignalChannel(ENTITY) of @mesh-chain/plugin-mesh-common. */
const CHANNEL = `mesh:chain:${ENTITY}`;

interface Replica {
  name: string;
  baseUrl: string;
  token: string;
}

interface Subscriber {
  replica: Replica;
  messages: Array<{ revision?: string }>;
  close: () => void;
}

/** Signs in as guest the way the app does (the guest provider's refresh). */
async function signIn(name: string, baseUrl: string): Promise<Replica> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.status, `guest sign-in on replica ${name}`).toBe(200);
  const body = await res.json();
  return { name, baseUrl, token: body.backstageIdentity.token };
}

/** A request to a replica's API as the signed-in guest. */
async function call(
  replica: Replica,
  pathname: string,
  init: RequestInit = {},
) {
  const res = await fetch(`${replica.baseUrl}${pathname}`, {
    ...init,
    headers: {
      authorization: `Bearer ${replica.token}`,
      'content-type': 'application/json',
    },
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: res.status, body };
}

/** Opens a WebSocket, or fails after `timeoutMs` as the app's client does. */
function openSocket(
  url: string,
  token: string,
  timeoutMs = 2000,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, token);
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no connection to ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.onopen = () => {
      clearTimeout(timer);
      resolve(socket);
    };
    socket.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`could not connect to ${url}`));
    };
  });
}

/**
 * A signals subscriber as @backstage/plugin-signals connects one: a
 * WebSocket on /api/signals with the user's token as its protocol, then a
 * subscribe message for the channel. Keeps every message of the channel.
 */
async function subscribe(replica: Replica): Promise<Subscriber> {
  const url = `${replica.baseUrl.replace(/^http/, 'ws')}/api/signals`;
  let socket: WebSocket | undefined;
  // The signals backend starts handling upgrades with the first one it
  // sees, which goes unanswered; the app's client retries the same way.
  await expect(async () => {
    socket = await openSocket(url, replica.token);
  }).toPass({ timeout: 30_000 });
  const messages: Subscriber['messages'] = [];
  socket!.onmessage = event => {
    const data = JSON.parse(String(event.data));
    if (data.channel === CHANNEL) messages.push(data.message);
  };
  socket!.send(JSON.stringify({ action: 'subscribe', channel: CHANNEL }));
  return { replica, messages, close: () => socket!.close(1000) };
}

/** The chain of the entity, as its Service Mesh tab fetches it. */
async function chain(replica: Replica) {
  const res = await call(
    replica,
    '/api/mesh/entities/component/default/checkout',
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { revision: string };
}

/** kubectl against the demo cluster `dev`, as its administrator. */
function kubectl(...args: string[]) {
  return execFileSync(
    'kubectl',
    ['--kubeconfig', path.join(DEMO_DIR, 'dev.kubeconfig'), ...args],
    { encoding: 'utf8', timeout: 30_000 },
  );
}

function setCheckoutWeights(v1: number, v2: number) {
  kubectl(
    '-n',
    'shop',
    'patch',
    'virtualservice/checkout',
    '--type=json',
    '-p',
    JSON.stringify([
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: v1 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: v2 },
    ]),
  );
}

/**
 * The values the template's form starts with (each field's default, and
 * the defaults of the branch a default selects), as a user who only types
 * a name submits it.
 */
function templateDefaults(): Record<string, unknown> {
  const template = YAML.parse(
    fs.readFileSync(path.join(ROOT, 'examples/template/template.yaml'), 'utf8'),
  );
  const values: Record<string, unknown> = {};
  const take = (properties: Record<string, any> = {}) => {
    for (const [key, schema] of Object.entries(properties)) {
      if (schema.default !== undefined && values[key] === undefined) {
        values[key] = schema.default;
      }
    }
  };
  for (const page of template.spec.parameters) {
    take(page.properties);
    for (const [key, dependency] of Object.entries<any>(
      page.dependencies ?? {},
    )) {
      const branch = dependency.oneOf?.find(
        (b: any) => b.properties?.[key]?.const === values[key],
      );
      take(branch?.properties);
    }
  }
  return values;
}

test.describe.configure({ mode: 'serial' });

test.describe('two production replicas on one PostgreSQL', () => {
  let replicas: Replica[];

  test.beforeAll(async () => {
    expect(REPLICAS, 'MESH_PRODUCTION_REPLICAS: two base URLs').toHaveLength(2);
    replicas = await Promise.all(
      REPLICAS.map((url, i) => signIn(i === 0 ? 'A' : 'B', url)),
    );
  });

  test('a page on either replica gets a cluster change exactly once', async () => {
    // Each page: its chain from its replica, and its signals connection there.
    const subscribers = await Promise.all(replicas.map(subscribe));
    const served = [];
    for (const replica of replicas) served.push(await chain(replica));
    expect(served[1].revision).toBe(served[0].revision);
    // The replicas hear each other's page views over the events bus.
    await new Promise(resolve => setTimeout(resolve, 2000));

    for (const [step, [v1, v2]] of [
      [70, 30],
      [90, 10],
    ].entries()) {
      for (const s of subscribers) s.messages.length = 0;
      setCheckoutWeights(v1, v2);
      // One change of one object: one new revision, one signal per page.
      for (const s of subscribers) {
        await expect
          .poll(() => s.messages.length, {
            message: `change ${step + 1}: a signal on replica ${
              s.replica.name
            }`,
            timeout: 15_000,
          })
          .toBeGreaterThan(0);
      }
      // Duplicates would arrive within the live debounce (up to 1 s).
      await new Promise(resolve => setTimeout(resolve, 3000));
      for (const s of subscribers) {
        expect(
          s.messages,
          `change ${step + 1}: the signals on replica ${s.replica.name}`,
        ).toHaveLength(1);
      }
      const revision = subscribers[0].messages[0].revision;
      expect(subscribers[1].messages[0].revision).toBe(revision);
      // Each page fetches the new chain from its replica.
      for (const replica of replicas) {
        expect((await chain(replica)).revision).toBe(revision);
      }
    }
    for (const s of subscribers) s.close();
  });

  test('the mesh-service template runs on either replica', async () => {
    test.setTimeout(300_000);
    // The catalog has the template once it has read examples/.
    for (const replica of replicas) {
      await expect
        .poll(
          async () =>
            (
              await call(
                replica,
                '/api/catalog/entities/by-name/template/default/mesh-service',
              )
            ).status,
          {
            message: `the template in the catalog of replica ${replica.name}`,
            timeout: 120_000,
          },
        )
        .toBe(200);
    }
    const suffix = Date.now().toString(36);
    const tasks = await Promise.all(
      replicas.map(async replica => {
        const name = `prod-${replica.name.toLowerCase()}-${suffix}`;
        const res = await call(replica, '/api/scaffolder/v2/tasks', {
          method: 'POST',
          body: JSON.stringify({
            templateRef: 'template:default/mesh-service',
            values: { ...templateDefaults(), name },
          }),
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return { replica, name, id: res.body.id as string };
      }),
    );
    for (const task of tasks) {
      await expect
        .poll(
          async () => {
            const res = await call(
              task.replica,
              `/api/scaffolder/v2/tasks/${task.id}`,
            );
            return res.body.status;
          },
          {
            message: `the task created on replica ${task.replica.name}`,
            timeout: 240_000,
            intervals: [1000],
          },
        )
        .toMatch(/^(completed|failed|cancelled)$/);
      const res = await call(
        task.replica,
        `/api/scaffolder/v2/tasks/${task.id}`,
      );
      if (res.body.status !== 'completed') {
        const log = await call(
          task.replica,
          `/api/scaffolder/v2/tasks/${task.id}/events`,
        );
        throw new Error(
          `The task on replica ${task.replica.name} ${
            res.body.status
          }: ${JSON.stringify(log.body).slice(-2000)}`,
        );
      }
      // Applied to the cluster and registered in the catalog both replicas read.
      expect(
        kubectl('-n', 'apps', 'get', 'deployment', task.name, '-o', 'name'),
      ).toContain(task.name);
      for (const replica of replicas) {
        expect(
          (
            await call(
              replica,
              `/api/catalog/entities/by-name/component/default/${task.name}`,
            )
          ).status,
        ).toBe(200);
      }
    }
  });
});
