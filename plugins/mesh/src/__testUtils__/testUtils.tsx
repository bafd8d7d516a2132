/*
 * Test helpers (not exported from the package): render a component of this
 * plugin inside a test app with an entity, the real MeshClient talking to
 * msw, and a signal API the test can publish on.
 */
import { ReactElement } from 'react';
import { act, type RenderResult } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type { SignalApi } from '@backstage/plugin-signals-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { http, HttpResponse } from 'msw';
import { meshApiRef, MeshClient } from '../api';
import { SelectionProvider } from '../components/common/SelectionContext';

export const BASE_URL = 'http://backstage.test/api/mesh';

/**
 * The answer of a backend where no change is allowed anywhere, for tests
 * that render the tab but are not about changes (ChangeControls' own
 * tests cover them): the tab asks once where changes are allowed.
 */
export function noChangeTargets(baseUrl = BASE_URL) {
  return http.get(`${baseUrl}/changes/targets`, () =>
    HttpResponse.json({ fieldManager: 'backstage-mesh-changes', targets: [] }),
  );
}

/** A SignalApi the test drives: `publish` delivers to current subscribers. */
export class FakeSignalApi implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(m: JsonObject) => void>
  >();

  subscribe<T extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const set = this.subscribers.get(channel) ?? new Set();
    const fn = onMessage as (m: JsonObject) => void;
    set.add(fn);
    this.subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(fn) };
  }

  channels(): string[] {
    return [...this.subscribers.entries()]
      .filter(([, s]) => s.size > 0)
      .map(([c]) => c);
  }

  publish(channel: string, message: JsonObject) {
    act(() => {
      this.subscribers.get(channel)?.forEach(fn => fn(message));
    });
  }
}

export function renderWithEntity(
  element: ReactElement,
  entity: Entity,
  options: {
    signals?: FakeSignalApi;
    initialRoute?: string;
    /** More `[apiRef, implementation]` pairs. */
    apis?: Array<readonly [unknown, unknown]>;
  } = {},
) {
  const client = new MeshClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async () => BASE_URL,
    }),
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
  const apis: any[] = [[meshApiRef, client]];
  if (options.signals) apis.push([signalApiRef, options.signals]);
  apis.push(...(options.apis ?? []));
  return renderInTestApp(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    {
      apis: apis as any,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: options.initialRoute
        ? [options.initialRoute]
        : undefined,
    },
  );
}

/** Renders a section of the tab alone; `open` receives drawer requests. */
export function renderSection(element: ReactElement): RenderResult & {
  open: jest.Mock;
} {
  const open = jest.fn();
  const result = renderInTestApp(
    <SelectionProvider open={open}>{element}</SelectionProvider>,
  );
  return { ...result, open };
}
