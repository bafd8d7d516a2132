import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  ClusterChain,
  DestinationRuleInfo,
  GatewayInfo,
  PodInfo,
  RouteInfo,
  TrafficPolicySummary,
  VirtualServiceInfo,
} from '@mesh-chain/plugin-mesh-common';
import { describeMatch, pluralize, readinessHealth } from '../../utils/format';
import { Fields } from '../common/Fields';
import { HealthIcon } from '../common/HealthIcon';
import { Code, Labels } from '../common/Labels';
import { ResourceButton } from '../common/ResourceButton';

const useStyles = makeStyles(theme => ({
  sub: {
    fontSize: '0.8rem',
    fontWeight: 600,
    color: theme.palette.text.secondary,
    margin: theme.spacing(2, 0, 0.5),
  },
  list: { margin: 0, paddingLeft: theme.spacing(2.5) },
  scroll: { overflowX: 'auto' },
}));

export function GatewayDetails(props: { gateway: GatewayInfo }) {
  const classes = useStyles();
  const { gateway: g } = props;
  const w = g.workload;
  return (
    <div>
      <Fields
        items={[
          [
            'Type',
            g.flavor === 'istio' ? 'Istio Gateway' : 'Gateway API Gateway',
          ],
          ['Selector', g.selector && <Labels labels={g.selector} />],
          ['Gateway class', g.gatewayClassName],
          [
            'Gateway pods',
            <span>
              <HealthIcon health={readinessHealth(w.readyPods, w.pods)} />{' '}
              {w.readyPods} of {w.pods} ready
            </span>,
          ],
          [
            'Gateway Service',
            w.service && (
              <span>
                <Code>
                  {w.service.namespace}/{w.service.name}
                </Code>
                {w.serviceType ? ` (${w.serviceType})` : ''}
              </span>
            ),
          ],
          [
            'Addresses',
            w.addresses.length ? w.addresses.join(', ') : 'none yet',
          ],
        ]}
      />
      <Typography component="h4" className={classes.sub}>
        Servers
      </Typography>
      <div className={classes.scroll}>
        <Table size="small" aria-label="Servers">
          <TableHead>
            <TableRow>
              <TableCell>Port</TableCell>
              <TableCell>Protocol</TableCell>
              <TableCell>Hosts</TableCell>
              <TableCell>TLS</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {g.servers.map((s, i) => (
              <TableRow key={`${s.port}/${i}`}>
                <TableCell>
                  {s.port}
                  {w.nodePorts[String(s.port)] !== undefined &&
                    ` (node port ${w.nodePorts[String(s.port)]})`}
                  {w.servicePorts[String(s.port)] !== undefined &&
                    ` (Service port ${w.servicePorts[String(s.port)]})`}
                </TableCell>
                <TableCell>{s.protocol}</TableCell>
                <TableCell>{s.hosts.join(', ')}</TableCell>
                <TableCell>
                  {s.tls?.httpsRedirect && 'redirects to HTTPS '}
                  {s.tls?.mode ?? ''}
                  {s.tls?.credentialName && (
                    <div>
                      <Code>{s.tls.credentialName}</Code>
                    </div>
                  )}
                  {!s.tls && '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}

function routeTarget(r: RouteInfo): string {
  if (r.destinations.length) {
    return r.destinations
      .map(d => `${d.host}${d.subset ? ` (${d.subset})` : ''} ${d.weight}%`)
      .join(', ');
  }
  if (r.redirect) {
    return `redirect to ${r.redirect.uri ?? r.redirect.authority ?? ''}`;
  }
  if (r.directResponse) return `answers ${r.directResponse.status}`;
  return 'nowhere';
}

export function VirtualServiceDetails(props: {
  vs: VirtualServiceInfo;
  chain: ClusterChain;
}) {
  const classes = useStyles();
  const { vs, chain } = props;
  const routes = chain.routes.filter(r => vs.routeIds.includes(r.id));
  return (
    <div>
      <Fields
        items={[
          ['Hosts', vs.hosts.join(', ')],
          [
            'Gateways',
            vs.gateways.length ? vs.gateways.join(', ') : 'mesh (default)',
          ],
          ['Exported to', vs.exportTo?.join(', ') ?? 'all namespaces'],
        ]}
      />
      <Typography component="h4" className={classes.sub}>
        {pluralize(routes.length, 'route')}, first match wins
      </Typography>
      <ol className={classes.list}>
        {routes.map(r => (
          <li key={r.id}>
            <strong>{r.name ?? r.protocol.toUpperCase()}</strong>:{' '}
            {r.match.length
              ? r.match
                  .map(m => describeMatch(m).join(' and ') || 'everything')
                  .join(' or ')
              : 'everything'}{' '}
            → {routeTarget(r)}
          </li>
        ))}
      </ol>
    </div>
  );
}

function policyItems(
  p?: TrafficPolicySummary,
): Array<[string, string | undefined]> {
  if (!p) return [['Traffic policy', 'defaults']];
  const pool = p.connectionPool;
  const out = p.outlierDetection;
  return [
    ['Load balancer', p.loadBalancer],
    ['TLS to pods', p.tlsMode],
    [
      'Connection pool',
      pool &&
        [
          pool.tcpMaxConnections !== undefined &&
            `max ${pool.tcpMaxConnections} connections`,
          pool.connectTimeout && `connect timeout ${pool.connectTimeout}`,
          pool.http1MaxPendingRequests !== undefined &&
            `max ${pool.http1MaxPendingRequests} pending`,
          pool.http2MaxRequests !== undefined &&
            `max ${pool.http2MaxRequests} requests`,
          pool.maxRetries !== undefined && `max ${pool.maxRetries} retries`,
        ]
          .filter(Boolean)
          .join(', '),
    ],
    [
      'Outlier detection',
      out &&
        [
          out.consecutive5xxErrors !== undefined &&
            `eject after ${out.consecutive5xxErrors} 5xx`,
          out.consecutiveGatewayErrors !== undefined &&
            `or ${out.consecutiveGatewayErrors} gateway errors`,
          out.interval && `checked every ${out.interval}`,
          out.baseEjectionTime && `for ${out.baseEjectionTime}`,
          out.maxEjectionPercent !== undefined &&
            `at most ${out.maxEjectionPercent}%`,
        ]
          .filter(Boolean)
          .join(', '),
    ],
  ];
}

export function DestinationRuleDetails(props: { dr: DestinationRuleInfo }) {
  const classes = useStyles();
  const { dr } = props;
  return (
    <div>
      <Fields
        items={[
          ['Host', <Code>{dr.host}</Code>],
          ['Resolves to', dr.fqdn],
          ...policyItems(dr.trafficPolicy),
          ['Exported to', dr.exportTo?.join(', ')],
        ]}
      />
      <Typography component="h4" className={classes.sub}>
        Subsets
      </Typography>
      {dr.subsets.length === 0 ? (
        <Typography variant="body2">
          No subsets: routes can only send to the whole Service.
        </Typography>
      ) : (
        <Table size="small" aria-label="Subsets">
          <TableHead>
            <TableRow>
              <TableCell>Subset</TableCell>
              <TableCell>Pod labels</TableCell>
              <TableCell>Pods</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {dr.subsets.map(s => (
              <TableRow key={s.name}>
                <TableCell>{s.name}</TableCell>
                <TableCell>
                  <Labels labels={s.labels} />
                </TableCell>
                <TableCell>
                  <HealthIcon
                    health={readinessHealth(s.readyPodCount, s.podCount)}
                  />{' '}
                  {s.readyPodCount} of {s.podCount} ready
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

export function PodsDetails(props: { pods: PodInfo[]; cluster: string }) {
  const classes = useStyles();
  const { pods, cluster } = props;
  if (pods.length === 0) {
    return (
      <Typography variant="body2">
        No pods exist: the Deployment has not created any, or they were all
        deleted.
      </Typography>
    );
  }
  return (
    <div className={classes.scroll}>
      <Table size="small" aria-label="Pods">
        <TableHead>
          <TableRow>
            <TableCell>Pod</TableCell>
            <TableCell>State</TableCell>
            <TableCell align="right">Restarts</TableCell>
            <TableCell>Node / IP</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {pods.map(p => (
            <TableRow key={p.ref.name}>
              <TableCell>
                <ResourceButton cluster={cluster} resource={p.ref} />
              </TableCell>
              <TableCell>
                <HealthIcon health={p.ready ? 'ok' : 'error'} />{' '}
                {p.ready ? 'ready' : 'not ready'} · {p.phase}
                {p.containers
                  .filter(c => c.state !== 'running')
                  .map(c => (
                    <div key={c.name}>
                      {c.name}: {c.state}
                    </div>
                  ))}
              </TableCell>
              <TableCell align="right">{p.restarts}</TableCell>
              <TableCell>
                {p.nodeName ?? '—'}
                <div>{p.podIP}</div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

export function PodDetails(props: { pod: PodInfo }) {
  const classes = useStyles();
  const { pod: p } = props;
  return (
    <div>
      <Fields
        items={[
          ['Phase', p.phase],
          ['Ready', p.ready ? 'yes' : 'no'],
          ['Restarts', String(p.restarts)],
          ['Node', p.nodeName],
          ['Pod IP', p.podIP],
          ['Labels', <Labels labels={p.labels} />],
        ]}
      />
      <Typography component="h4" className={classes.sub}>
        Containers
      </Typography>
      <Table size="small" aria-label="Containers">
        <TableHead>
          <TableRow>
            <TableCell>Container</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Ports</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {p.containers.map(c => (
            <TableRow key={c.name}>
              <TableCell>
                {c.name}
                <div>
                  <Code>{c.image}</Code>
                </div>
              </TableCell>
              <TableCell>
                <HealthIcon health={c.ready ? 'ok' : 'error'} /> {c.state}
              </TableCell>
              <TableCell>
                {c.ports
                  .map(
                    port =>
                      `${port.name ? `${port.name} ` : ''}${
                        port.containerPort
                      }`,
                  )
                  .join(', ') || '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
