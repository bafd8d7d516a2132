import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Skeleton from '@material-ui/lab/Skeleton';
import {
  EmptyState,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  isMeshAvailable,
  type RouteSimulationResponse,
} from '@mesh-chain/plugin-mesh-common';
import { useMeshChain } from '../../hooks/useMeshChain';
import { errorMessage, formatAge, pluralize } from '../../utils/format';
import { Code } from '../common/Labels';
import { SelectionProvider } from '../common/SelectionContext';
import { VisuallyHidden } from '../common/VisuallyHidden';
import { ClusterView, isEmptyChain } from '../ClusterView';
import { ResourceDrawer } from '../ResourceDrawer';
import { RouteSimulator } from '../RouteSimulator';
import { ClusterPicker } from './ClusterPicker';
import { LiveStatus } from './LiveStatus';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
  },
  scope: { color: theme.palette.text.secondary, fontSize: '0.875rem' },
  block: { marginBottom: theme.spacing(2) },
  absent: {
    color: theme.palette.text.secondary,
    marginBottom: theme.spacing(1.5),
  },
}));

const KUBERNETES_DOCS =
  'https://backstage.io/docs/features/kubernetes/configuration#surfacing-your-kubernetes-components-as-part-of-an-entity';

function isForbidden(error: Error): boolean {
  const e = error as Error & {
    response?: { status?: number };
    statusCode?: number;
  };
  return (
    e.name === 'NotAllowedError' ||
    e.response?.status === 403 ||
    e.statusCode === 403 ||
    (e as { cause?: { name?: string } }).cause?.name === 'NotAllowedError'
  );
}

function Loading() {
  return (
    <div aria-busy="true">
      <Typography role="status">
        <VisuallyHidden>Loading the service mesh…</VisuallyHidden>
      </Typography>
      <Skeleton variant="text" width={320} height={32} />
      <Skeleton
        variant="rect"
        height={96}
        style={{ margin: '12px 0', borderRadius: 8 }}
      />
      <Skeleton
        variant="rect"
        height={260}
        style={{ marginBottom: 12, borderRadius: 8 }}
      />
      <Skeleton variant="rect" height={180} style={{ borderRadius: 8 }} />
    </div>
  );
}

function NotPermitted() {
  return (
    <WarningPanel
      severity="info"
      title="You may not see the service mesh of this component"
      message="The mesh backend refused to show this component’s clusters to you. Ask the component’s owners or a Backstage administrator for access."
    />
  );
}

/**
 * The Service Mesh tab of an entity: its chain in each cluster, routes,
 * Service, workload, autoscaling and diagnostics, live.
 *
 * @public
 */
export function MeshContent() {
  const { entity } = useEntity();
  if (!isMeshAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={ANNOTATION_KUBERNETES_ID}
        readMoreUrl={KUBERNETES_DOCS}
      />
    );
  }
  return <MeshChainView entity={entity} />;
}

interface Selection {
  cluster: string;
  key: string;
}

function MeshChainView(props: { entity: Entity }) {
  const classes = useStyles();
  const { entity } = props;
  const state = useMeshChain(entity);
  const { value, error, loading } = state;
  const [searchParams, setSearchParams] = useSearchParams();
  const [selection, setSelection] = useState<Selection | undefined>();
  const [simulation, setSimulation] = useState<RouteSimulationResponse>();
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    if (state.reason === 'signal' && state.updatedAt) {
      setAnnouncement(
        `Service mesh updated at ${new Date(
          state.updatedAt,
        ).toLocaleTimeString()}`,
      );
    }
  }, [state.reason, state.updatedAt]);

  // Clusters where nothing of the component runs get one line, not a section.
  const allClusters = useMemo(() => value?.clusters ?? [], [value]);
  const clusters = useMemo(
    () => allClusters.filter(c => !isEmptyChain(c)),
    [allClusters],
  );
  const absent = allClusters.filter(isEmptyChain);
  const wanted = searchParams.get('cluster') ?? 'all';
  const selected =
    wanted === 'all' || clusters.some(c => c.cluster.name === wanted)
      ? wanted
      : 'all';
  const select = useCallback(
    (cluster: string) => {
      const next = new URLSearchParams(searchParams);
      if (cluster === 'all') next.delete('cluster');
      else next.set('cluster', cluster);
      setSearchParams(next, { replace: true });
    },
    [searchParams, setSearchParams],
  );

  const open = useCallback(
    (cluster: string, key: string) => setSelection({ cluster, key }),
    [],
  );
  const highlights = useMemo(() => {
    const map = new Map<string, { keys: Set<string>; routeId?: string }>();
    for (const r of simulation?.results ?? []) {
      const chain = clusters.find(c => c.cluster.name === r.cluster);
      if (chain)
        map.set(r.cluster, { keys: new Set(r.path), routeId: r.routeId });
    }
    return map;
  }, [simulation, clusters]);

  if (loading && !value) return <Loading />;
  if (!value && error) {
    if (isForbidden(error)) return <NotPermitted />;
    return (
      <div>
        <ResponseErrorPanel
          error={error}
          title="Could not load the service mesh"
        />
        <Button
          variant="outlined"
          onClick={state.refresh}
          style={{ marginTop: 16 }}
        >
          Try again
        </Button>
      </div>
    );
  }
  if (!value) return <Loading />;
  if (value.status === 'not-configured') {
    return (
      <MissingAnnotationEmptyState
        annotation={ANNOTATION_KUBERNETES_ID}
        readMoreUrl={KUBERNETES_DOCS}
      />
    );
  }

  const shown =
    selected === 'all'
      ? clusters
      : clusters.filter(c => c.cluster.name === selected);
  const selectedChain = selection
    ? clusters.find(c => c.cluster.name === selection.cluster)
    : undefined;
  const suggestedUrl = clusters
    .flatMap(c => c.routes)
    .flatMap(r => r.externalUrls)[0];
  const clusterTitles = Object.fromEntries(
    clusters.map(c => [c.cluster.name, c.cluster.title ?? c.cluster.name]),
  );

  return (
    <SelectionProvider open={open}>
      <div className={classes.toolbar}>
        <Typography className={classes.scope}>
          {allClusters.length > clusters.length
            ? `In ${clusters.length} of ${pluralize(
                allClusters.length,
                'cluster',
              )}`
            : pluralize(clusters.length, 'cluster')}{' '}
          · selector <Code>{value.selector ?? '—'}</Code>
          {value.namespace && (
            <>
              {' '}
              · namespace <Code>{value.namespace}</Code>
            </>
          )}
        </Typography>
        <LiveStatus
          live={state.live}
          updatedAt={state.updatedAt}
          refreshing={state.refreshing}
          onRefresh={state.refresh}
        />
      </div>
      <VisuallyHidden aria-live="polite">{announcement}</VisuallyHidden>

      {error && (
        <div className={classes.block}>
          <WarningPanel
            severity="warning"
            title="Could not refresh"
            message={`${errorMessage(error)}. Showing what was loaded ${
              state.updatedAt
                ? formatAge(Date.now() - state.updatedAt)
                : 'before'
            }.`}
          />
        </div>
      )}

      {clusters.length === 0 ? (
        <EmptyState
          missing="data"
          title="Not running in any cluster"
          description={`Nothing matching ${value.selector ?? 'the selector'}${
            value.namespace ? ` in namespace ${value.namespace}` : ''
          } was found in ${
            allClusters.length
              ? `the ${pluralize(
                  allClusters.length,
                  'configured cluster',
                )} (${allClusters
                  .map(c => c.cluster.title ?? c.cluster.name)
                  .join(', ')})`
              : 'any configured cluster'
          }. Check the component’s Kubernetes annotations, the workloads’ labels, and kubernetes.clusterLocatorMethods.`}
        />
      ) : (
        <>
          {absent.length > 0 && (
            <Typography variant="body2" className={classes.absent}>
              Nothing of this component runs in{' '}
              {absent.map(c => c.cluster.title ?? c.cluster.name).join(', ')}.
            </Typography>
          )}
          {clusters.length > 1 && (
            <ClusterPicker
              clusters={clusters}
              selected={selected}
              onSelect={select}
            />
          )}
          <div className={classes.block}>
            <RouteSimulator
              entity={entity}
              suggestedUrl={suggestedUrl}
              clusterTitles={clusterTitles}
              onResult={setSimulation}
            />
          </div>
          {shown.map(chain => (
            <ClusterView
              key={chain.cluster.name}
              chain={chain}
              onOpen={key => open(chain.cluster.name, key)}
              selectedKey={
                selection?.cluster === chain.cluster.name
                  ? selection.key
                  : undefined
              }
              highlight={highlights.get(chain.cluster.name)?.keys}
              matchedRouteId={highlights.get(chain.cluster.name)?.routeId}
              showHeading={clusters.length > 1}
              entity={entity}
            />
          ))}
        </>
      )}

      <ResourceDrawer
        chain={selectedChain}
        nodeKey={selectedChain ? selection?.key : undefined}
        onClose={() => setSelection(undefined)}
        onOpen={key => selection && open(selection.cluster, key)}
      />
    </SelectionProvider>
  );
}
