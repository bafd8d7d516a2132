import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Skeleton from '@material-ui/lab/Skeleton';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  isMeshAvailable,
  type ClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { useMeshChain } from '../../hooks/useMeshChain';
import { HealthIcon } from '../common/HealthIcon';
import { ExternalLink } from '../common/ExternalLink';
import { clusterHealth, isEmptyChain } from '../ClusterView';
import { worstDiagnostic } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  cluster: {
    '& + &': {
      marginTop: theme.spacing(2),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  clusterName: {
    display: 'flex',
    alignItems: 'center',
    gap: 6,
    fontWeight: 600,
    marginBottom: theme.spacing(1),
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
    alignItems: 'baseline',
  },
  term: { color: theme.palette.text.secondary, fontSize: '0.85rem' },
  value: {
    margin: 0,
    fontSize: '0.9rem',
    minWidth: 0,
    overflowWrap: 'anywhere',
  },
  big: { fontWeight: 700, fontVariantNumeric: 'tabular-nums' },
  muted: { color: theme.palette.text.secondary },
  diag: { display: 'inline-flex', gap: 4, alignItems: 'flex-start' },
}));

function useTabLink(entity: Entity, tabPath: string): string | undefined {
  let routeFunc:
    | ((params: { kind: string; namespace: string; name: string }) => string)
    | undefined;
  try {
    // Throws when the app has no catalog entity route (e.g. in isolation).
    // eslint-disable-next-line react-hooks/rules-of-hooks
    routeFunc = useRouteRef(entityRouteRef);
  } catch {
    routeFunc = undefined;
  }
  if (!routeFunc) return undefined;
  return `${routeFunc(entityRouteParams(entity)).replace(
    /\/$/,
    '',
  )}/${tabPath.replace(/^\//, '')}`;
}

function ClusterSummary(props: { chain: ClusterChain; showName: boolean }) {
  const classes = useStyles();
  const { chain: c, showName } = props;
  const title = c.cluster.title ?? c.cluster.name;
  if (c.error) {
    return (
      <div className={classes.cluster}>
        <div className={classes.clusterName}>
          <HealthIcon health="error" />
          {title}
        </div>
        <Typography variant="body2">
          Could not read this cluster ({c.error.reason}).
        </Typography>
      </div>
    );
  }
  const urls = c.routes.flatMap(r => r.externalUrls);
  const uniqueUrls = [...new Set(urls)];
  const ready = c.deployments.reduce((n, d) => n + d.replicas.ready, 0);
  const desired = c.deployments.reduce((n, d) => n + d.replicas.desired, 0);
  const worst = worstDiagnostic(c.diagnostics);
  const service = c.services[0];
  const reach: Record<string, string> = {
    cluster: 'in-cluster only',
    node: 'node ports',
    external: c.services[0]?.externalAddresses.join(', ') || 'load balancer',
    pending: 'load balancer pending',
  };
  const items: Array<[string, React.ReactNode]> = [
    [
      'External URL',
      uniqueUrls.length ? (
        <>
          <ExternalLink href={uniqueUrls[0]}>{uniqueUrls[0]}</ExternalLink>
          {uniqueUrls.length > 1 && (
            <span className={classes.muted}>
              {' '}
              +{uniqueUrls.length - 1} more
            </span>
          )}
        </>
      ) : (
        <span className={classes.muted}>
          {c.istio ? 'none: not exposed through a gateway' : 'none (no Istio)'}
        </span>
      ),
    ],
    [
      'Service',
      service ? (
        <>
          <span className={classes.big}>{service.type}</span>
          <span className={classes.muted}>
            {' '}
            · {reach[service.reachability]}
          </span>
          {c.services.length > 1 && (
            <span className={classes.muted}> (+{c.services.length - 1})</span>
          )}
        </>
      ) : (
        <span className={classes.muted}>none</span>
      ),
    ],
    [
      'Replicas',
      c.deployments.length ? (
        <>
          <span className={classes.big}>
            {ready}/{desired}
          </span>{' '}
          ready
        </>
      ) : (
        <span className={classes.muted}>no Deployment</span>
      ),
    ],
    [
      'Autoscaling',
      c.hpas.length ? (
        c.hpas.map(h => (
          <div key={h.ref.name}>
            <span className={classes.big}>
              {h.currentReplicas}/{h.maxReplicas}
            </span>{' '}
            current/max
            {h.desiredReplicas !== h.currentReplicas &&
              ` (wants ${h.desiredReplicas})`}
            {h.currentReplicas >= h.maxReplicas && <strong> · at max</strong>}
          </div>
        ))
      ) : (
        <span className={classes.muted}>no HPA</span>
      ),
    ],
    [
      'Worst problem',
      worst && worst.severity !== 'info' ? (
        <span className={classes.diag}>
          <HealthIcon health={worst.severity} title={worst.severity} />
          <span>
            {worst.title}{' '}
            <span className={classes.muted}>
              ({worst.code}
              {c.diagnostics.length > 1
                ? `, ${c.diagnostics.length - 1} more`
                : ''}
              )
            </span>
          </span>
        </span>
      ) : (
        <span className={classes.diag}>
          <HealthIcon health="ok" /> none
        </span>
      ),
    ],
  ];
  return (
    <div className={classes.cluster}>
      {showName && (
        <div className={classes.clusterName}>
          <HealthIcon health={clusterHealth(c)} title={clusterHealth(c)} />
          {title}
        </div>
      )}
      <dl className={classes.grid}>
        {items.map(([term, value]) => (
          <div key={term} style={{ display: 'contents' }}>
            <dt className={classes.term}>{term}</dt>
            <dd className={classes.value}>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function CardBody(props: { entity: Entity }) {
  const { value, error, loading } = useMeshChain(props.entity);
  if (loading && !value) {
    return (
      <div aria-busy="true" aria-label="Loading">
        <Skeleton variant="text" />
        <Skeleton variant="text" />
        <Skeleton variant="text" width="60%" />
      </div>
    );
  }
  if (!value && error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the service mesh"
      />
    );
  }
  if (!value || value.status === 'not-configured') {
    return (
      <MissingAnnotationEmptyState annotation={ANNOTATION_KUBERNETES_ID} />
    );
  }
  const clusters = value.clusters.filter(c => !isEmptyChain(c));
  if (clusters.length === 0) {
    return (
      <Typography variant="body2">
        Not running in any configured cluster.
      </Typography>
    );
  }
  return (
    <>
      {clusters.map(c => (
        <ClusterSummary
          key={c.cluster.name}
          chain={c}
          showName={clusters.length > 1}
        />
      ))}
    </>
  );
}

/**
 * Props of the overview card ({@link EntityMeshCard}).
 *
 * @public
 */
export interface EntityMeshCardProps {
  /** Path of the Service Mesh tab, relative to the entity page; default `mesh`. */
  tabPath?: string;
}

/**
 * The overview card: external URL, Service type, replicas, autoscaling and
 * the worst problem, per cluster, with a link to the Service Mesh tab.
 *
 * @public
 */
export function MeshCard(props: EntityMeshCardProps) {
  const { entity } = useEntity();
  const link = useTabLink(entity, props.tabPath ?? 'mesh');
  return (
    <InfoCard
      title="Service Mesh"
      deepLink={link ? { title: 'View service mesh', link } : undefined}
    >
      {isMeshAvailable(entity) ? (
        <CardBody entity={entity} />
      ) : (
        <MissingAnnotationEmptyState annotation={ANNOTATION_KUBERNETES_ID} />
      )}
    </InfoCard>
  );
}
