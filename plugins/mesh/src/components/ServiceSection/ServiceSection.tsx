import { Fragment } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ClusterChain, ServiceInfo } from '@mesh-chain/plugin-mesh-common';
import { Fields } from '../common/Fields';
import { Code, Labels } from '../common/Labels';
import { HealthIcon } from '../common/HealthIcon';
import { FoundByMarker } from '../common/FoundBy';
import { ResourceButton } from '../common/ResourceButton';
import { SectionCard } from '../common/SectionCard';
import { domId } from '../../utils/domId';

const useStyles = makeStyles(theme => ({
  type: {
    display: 'inline-block',
    fontWeight: 700,
    fontSize: '0.8rem',
    padding: '2px 8px',
    borderRadius: 4,
    background: theme.palette.action.selected,
    marginRight: theme.spacing(1),
  },
  reach: { margin: theme.spacing(1, 0, 2) },
  arrow: { color: theme.palette.text.secondary, padding: '0 4px' },
  warn: { color: theme.palette.warningText ?? theme.palette.text.primary },
  service: {
    '& + &': {
      marginTop: theme.spacing(3),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
}));

const typeMeaning: Record<ServiceInfo['reachability'], string> = {
  cluster: 'In-cluster only',
  node: 'Node ports',
  external: 'Load balancer',
  pending: 'Load balancer (pending)',
};

/** What a Service's type means for who can reach it, in one sentence. */
export function describeReachability(s: ServiceInfo): string {
  const port = s.ports[0]?.port;
  const inCluster = `${s.fqdn}${port ? `:${port}` : ''}`;
  if (s.type === 'ExternalName') {
    return `A DNS alias for ${
      s.externalName ?? 'another name'
    }; it has no pods of its own.`;
  }
  switch (s.reachability) {
    case 'node': {
      const nodePorts = s.ports
        .map(p => p.nodePort)
        .filter((p): p is number => p !== undefined);
      return `Reachable from outside the cluster on every node’s address at port ${
        nodePorts.join(', ') || '(none assigned)'
      }, and inside the cluster at ${inCluster}.`;
    }
    case 'external':
      return `Exposed outside the cluster by a load balancer at ${s.externalAddresses.join(
        ', ',
      )}${port ? ` (port ${port})` : ''}, and inside it at ${inCluster}.`;
    case 'pending':
      return `A load balancer was requested but has no external address yet; for now only ${inCluster} works, from inside the cluster.`;
    case 'cluster':
    default:
      return `Reachable only from inside the cluster, at ${inCluster}. Outside traffic has to come through the mesh gateway.`;
  }
}

/** One Service: type, reachability, ports, selector. */
export function ServiceDetails(props: {
  service: ServiceInfo;
  cluster: string;
}) {
  const classes = useStyles();
  const { service: s } = props;
  const anyNodePort = s.ports.some(p => p.nodePort !== undefined);
  return (
    <div>
      <Typography variant="body2" component="div">
        <span className={classes.type}>{s.type}</span>
        <strong>{typeMeaning[s.reachability]}</strong>
      </Typography>
      <Typography variant="body2" className={classes.reach}>
        {describeReachability(s)}
      </Typography>
      {s.ports.length > 0 && (
        <Table size="small" aria-label={`Ports of Service ${s.ref.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>
                Port → target port{anyNodePort ? ' → node port' : ''}
              </TableCell>
              <TableCell>Protocol</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {s.ports.map(p => {
              const named = typeof p.targetPort === 'string';
              const unresolved = named && p.resolvedTargetPort === undefined;
              return (
                <TableRow key={`${p.port}/${p.protocol}`}>
                  <TableCell>{p.name ?? '—'}</TableCell>
                  <TableCell>
                    <span>{p.port}</span>
                    <span className={classes.arrow} aria-label="to">
                      →
                    </span>
                    <span>
                      {p.targetPort}
                      {named && p.resolvedTargetPort !== undefined && (
                        <> ({p.resolvedTargetPort})</>
                      )}
                    </span>
                    {p.nodePort !== undefined && (
                      <>
                        <span className={classes.arrow} aria-label="node port">
                          →
                        </span>
                        <span>{p.nodePort}</span>
                      </>
                    )}
                    {unresolved && (
                      <div className={classes.warn}>
                        <HealthIcon health="warning" /> no container port named
                        “{p.targetPort}” on the selected pods
                      </div>
                    )}
                  </TableCell>
                  <TableCell>
                    {p.protocol}
                    {p.appProtocol ? ` (${p.appProtocol})` : ''}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      <Fields
        items={[
          ['DNS name', <Code>{s.fqdn}</Code>],
          ['Cluster IP', s.clusterIP],
          ['External name', s.externalName],
          [
            'External addresses',
            s.externalAddresses.length
              ? s.externalAddresses.join(', ')
              : undefined,
          ],
          ['Selector', <Labels labels={s.selector} />],
          ['Pods', `${s.readyPods} of ${s.pods} ready`],
        ]}
      />
    </div>
  );
}

/** The Services of a cluster's chain. */
export function ServiceSection(props: { chain: ClusterChain }) {
  const classes = useStyles();
  const { chain } = props;
  const cluster = chain.cluster.name;
  return (
    <SectionCard title="Service" id={domId(cluster, 'service')}>
      {chain.services.length === 0 ? (
        <Typography variant="body2">
          No Service selects this component’s pods, so nothing can reach them by
          name.
        </Typography>
      ) : (
        chain.services.map(s => (
          <Fragment key={s.ref.name}>
            <div className={classes.service}>
              {(chain.services.length > 1 || s.foundBy === 'reference') && (
                <Typography variant="subtitle2" component="h4">
                  <ResourceButton cluster={cluster} resource={s.ref} />
                  <FoundByMarker found={s} />
                </Typography>
              )}
              <ServiceDetails service={s} cluster={cluster} />
            </div>
          </Fragment>
        ))
      )}
    </SectionCard>
  );
}
