import { makeStyles } from '@material-ui/core/styles';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { Link, WarningPanel } from '@backstage/core-components';
import type { Entity } from '@backstage/catalog-model';
import type {
  ClusterChain,
  ClusterError,
} from '@mesh-chain/plugin-mesh-common';
import { domId } from '../../utils/domId';
import { formatTimestamp } from '../../utils/format';
import { ChainDiagram } from '../ChainDiagram';
import { SectionCard } from '../common/SectionCard';
import { RoutesSection } from '../RoutesSection';
import { TrafficSection } from '../TrafficSection';
import { ServiceSection } from '../ServiceSection';
import { WorkloadSection } from '../WorkloadSection';
import { AutoscalingSection } from '../AutoscalingSection';
import { DiagnosticsSection } from '../DiagnosticsSection';
import { ChangeControls } from '../ChangeControls';
import { clusterHealth } from './clusterHealth';
import { ClusterStatusNote } from './ClusterStatusNote';
import { HealthIcon } from '../common/HealthIcon';
import { visuallyHiddenStyle } from '../common/VisuallyHidden';

const useStyles = makeStyles(theme => ({
  root: { marginBottom: theme.spacing(4) },
  head: {
    display: 'flex',
    alignItems: 'baseline',
    flexWrap: 'wrap',
    gap: theme.spacing(1, 2),
    margin: theme.spacing(1, 0, 1.5),
  },
  title: {
    fontSize: '1.25rem',
    fontWeight: 600,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  meta: { color: theme.palette.text.secondary, fontSize: '0.8rem' },
  banner: { marginBottom: theme.spacing(2) },
}));

const errorHelp: Record<ClusterError['reason'], string> = {
  unreachable:
    'The backend cannot connect to this cluster’s API server. Check the cluster URL in kubernetes.clusterLocatorMethods and that the network allows it.',
  timeout:
    'The cluster’s API server did not answer in time. It may be overloaded or far away.',
  unauthorized:
    'The cluster rejected the backend’s credentials (401). Check the service account token or auth provider for this cluster.',
  forbidden:
    'The backend’s identity may not read these resources (403). Grant it get/list/watch on them with RBAC.',
  tls: 'The cluster’s TLS certificate is not trusted. Set caData or caFile for this cluster.',
  credentials:
    'This cluster is read with your own credentials, and none are available. Sign in to the cluster’s auth provider.',
  unknown: 'The cluster could not be read.',
};

/** Where a cluster's error is shown, in place of its data. */
export function ClusterErrorPanel(props: { chain: ClusterChain }) {
  const { chain } = props;
  const e = chain.error!;
  return (
    <WarningPanel
      severity="error"
      title={`Could not read cluster ${
        chain.cluster.title ?? chain.cluster.name
      }: ${e.reason}${e.statusCode ? ` (${e.statusCode})` : ''}`}
      message={
        <>
          {errorHelp[e.reason]}
          {chain.cluster.dashboardUrl && (
            <>
              {' '}
              <Link to={chain.cluster.dashboardUrl}>
                Open the cluster dashboard
              </Link>
              .
            </>
          )}
        </>
      }
      defaultExpanded
    >
      <Typography
        variant="body2"
        component="pre"
        style={{ whiteSpace: 'pre-wrap' }}
      >
        {e.message}
      </Typography>
    </WarningPanel>
  );
}

/** Everything about the component in one cluster. */
export function ClusterView(props: {
  chain: ClusterChain;
  onOpen: (key: string) => void;
  selectedKey?: string;
  highlight?: Set<string>;
  matchedRouteId?: string;
  /** Show the cluster's own heading (several clusters on the page). */
  showHeading: boolean;
  /** The entity, to offer its owners changes to the chain. */
  entity?: Entity;
}) {
  const classes = useStyles();
  const { chain, onOpen, selectedKey, highlight, matchedRouteId, showHeading } =
    props;
  const name = chain.cluster.name;
  const title = chain.cluster.title ?? name;
  const health = clusterHealth(chain);
  return (
    <section className={classes.root} aria-labelledby={domId(name, 'cluster')}>
      <div className={classes.head}>
        <Typography
          variant="h5"
          component="h2"
          id={domId(name, 'cluster')}
          className={classes.title}
          style={showHeading ? undefined : visuallyHiddenStyle}
        >
          <HealthIcon health={health} title={`cluster ${health}`} />
          {title}
        </Typography>
        {!chain.error && chain.status?.state !== 'syncing' && (
          <span className={classes.meta}>
            {showHeading && title !== name ? `${name} · ` : ''}
            {showHeading ? '' : `Cluster ${title} · `}
            {chain.istio ? 'Istio' : 'no Istio'}
            {chain.gatewayApi ? ' · Gateway API' : ''} · observed{' '}
            {formatTimestamp(chain.observedAt)}
            {chain.source === 'cache' ? ' (watch)' : ' (read now)'}
          </span>
        )}
        <ClusterStatusNote status={chain.status} />
      </div>

      {chain.error && <ClusterErrorPanel chain={chain} />}
      {chain.status?.state === 'syncing' && (
        <WarningPanel
          severity="info"
          title={`Cluster ${title} is still loading`}
          message={chain.status.message}
        />
      )}
      {!chain.error && chain.status?.state !== 'syncing' && (
        <>
          {chain.status?.state === 'stale' && (
            <div className={classes.banner}>
              <WarningPanel
                severity="warning"
                title={`Not current: cluster ${title} as last seen at ${formatTimestamp(
                  chain.status.since ?? chain.observedAt,
                )}`}
                message={chain.status.message}
              />
            </div>
          )}
          {!chain.istio && (
            <div className={classes.banner}>
              <WarningPanel
                severity="info"
                title="Istio is not installed in this cluster"
                message="Its networking resources (Gateway, VirtualService, DestinationRule) are not served here, so there are no mesh routes. The Service, Deployment and autoscaler are shown below."
              />
            </div>
          )}
          {chain.warnings.map((w, i) => (
            <div className={classes.banner} key={`${w.resource}/${i}`}>
              <WarningPanel
                severity="warning"
                title={`Part of the chain could not be read${
                  w.resource ? `: ${w.resource}` : ''
                } (${w.reason})`}
                message={`${
                  errorHelp[w.reason]
                } What could be read is shown; the picture may be incomplete.`}
              >
                <Typography variant="body2">{w.message}</Typography>
              </WarningPanel>
            </div>
          ))}
          <Grid container spacing={2}>
            <Grid item xs={12}>
              <SectionCard title="Chain" id={domId(name, 'chain')}>
                <ChainDiagram
                  chain={chain}
                  onOpen={onOpen}
                  selectedKey={selectedKey}
                  highlight={highlight}
                />
              </SectionCard>
            </Grid>
            <Grid item xs={12}>
              <DiagnosticsSection chain={chain} />
            </Grid>
            <Grid item xs={12}>
              <RoutesSection chain={chain} matchedRouteId={matchedRouteId} />
            </Grid>
            <Grid item xs={12}>
              <TrafficSection chain={chain} />
            </Grid>
            <Grid item xs={12} lg={5}>
              <ServiceSection chain={chain} />
            </Grid>
            <Grid item xs={12} lg={7}>
              <WorkloadSection chain={chain} />
            </Grid>
            <Grid item xs={12}>
              <AutoscalingSection chain={chain} />
            </Grid>
            {props.entity && (
              <Grid item xs={12}>
                <ChangeControls entity={props.entity} chain={chain} />
              </Grid>
            )}
          </Grid>
        </>
      )}
    </section>
  );
}
