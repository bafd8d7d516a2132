import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  meshSignalChannel,
  type MeshChainResponse,
  type MeshChainSignal,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef } from '../api';
import { useUserAuth } from './useUserAuth';

/** The longest delay setTimeout takes (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Why the data was last fetched: the first load, a signal, the user's
 * refresh, or `renew`: a page left open asks again before the backend stops
 * pushing its changes (`liveForMs`).
 *
 * @public
 */
export type MeshChainUpdateReason = 'initial' | 'signal' | 'manual' | 'renew';

/** @public */
export interface MeshChainState {
  /** The latest chain; kept while a refresh runs or fails. */
  value?: MeshChainResponse;
  /** The first load failed (no `value`), or the latest refresh failed. */
  error?: Error;
  /** True until the first answer (or error) arrives. */
  loading: boolean;
  /** True while a refresh runs with `value` on screen. */
  refreshing: boolean;
  /** When `value` arrived (ms since epoch). */
  updatedAt?: number;
  /** What brought the latest `value`. */
  reason?: MeshChainUpdateReason;
  /** Whether the backend can push changes (the signals plugin is installed). */
  live: boolean;
  /** Fetches the chain again. */
  refresh: () => void;
}

/**
 * The mesh chain of an entity, fetched once and again whenever the backend
 * signals a change on `meshSignalChannel(entityRef)`. No polling: a page left
 * open for long fetches once more halfway through `liveForMs`, so that the
 * backend keeps pushing its changes (served from its cache). A refresh
 * never drops what is on screen: the previous chain stays until the new one
 * arrives, and a failed refresh keeps it with `error` set.
 *
 * @public
 */
export function useMeshChain(entity: Entity): MeshChainState {
  const api = useApi(meshApiRef);
  const getUserAuth = useUserAuth();
  const entityRef = stringifyEntityRef(entity);
  const { lastSignal, isSignalsAvailable } = useSignal<
    MeshChainSignal & { [key: string]: any }
  >(meshSignalChannel(entityRef));

  const [state, setState] = useState<Omit<MeshChainState, 'refresh' | 'live'>>({
    loading: true,
    refreshing: false,
  });

  const inFlight = useRef<AbortController | undefined>(undefined);
  const again = useRef<MeshChainUpdateReason | undefined>(undefined);
  const revision = useRef<string | undefined>(undefined);
  const mounted = useRef(true);

  const load = useCallback(
    (reason: MeshChainUpdateReason) => {
      if (inFlight.current) {
        // Coalesce: one more fetch once the current one is done.
        again.current = reason;
        return;
      }
      const controller = new AbortController();
      inFlight.current = controller;
      setState(s => ({ ...s, refreshing: s.value !== undefined }));
      const ref = getCompoundEntityRef(entity);
      getUserAuth()
        .then(userAuth =>
          api.getChain(ref, { signal: controller.signal, userAuth }),
        )
        .then(
          value => {
            if (controller.signal.aborted || !mounted.current) return;
            revision.current = value.revision;
            setState({
              value,
              loading: false,
              refreshing: false,
              updatedAt: Date.now(),
              reason,
            });
          },
          error => {
            if (controller.signal.aborted || !mounted.current) return;
            setState(s => ({
              ...s,
              error,
              loading: false,
              refreshing: false,
            }));
          },
        )
        .finally(() => {
          if (inFlight.current !== controller) return;
          inFlight.current = undefined;
          const next = again.current;
          again.current = undefined;
          if (next && mounted.current && !controller.signal.aborted) load(next);
        });
    },
    // The entity's identity is what matters, not the object.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entityRef, getUserAuth],
  );

  useEffect(() => {
    mounted.current = true;
    revision.current = undefined;
    setState({ loading: true, refreshing: false });
    load('initial');
    return () => {
      mounted.current = false;
      inFlight.current?.abort();
      inFlight.current = undefined;
      again.current = undefined;
    };
  }, [load]);

  useEffect(() => {
    if (!lastSignal) return;
    if (lastSignal.revision && lastSignal.revision === revision.current) return;
    load('signal');
  }, [lastSignal, load]);

  // The backend follows an entity for `liveForMs` after each fetch; a page
  // that stays open asks again halfway through, so the changes keep coming.
  const liveForMs = state.value?.liveForMs;
  const updatedAt = state.updatedAt;
  useEffect(() => {
    if (!isSignalsAvailable || !liveForMs || updatedAt === undefined) {
      return undefined;
    }
    const timer = setTimeout(
      () => load('renew'),
      Math.min(Math.max(liveForMs / 2, 1000), MAX_TIMEOUT_MS),
    );
    return () => clearTimeout(timer);
  }, [isSignalsAvailable, liveForMs, updatedAt, load]);

  const refresh = useCallback(() => load('manual'), [load]);

  return { ...state, live: isSignalsAvailable, refresh };
}
