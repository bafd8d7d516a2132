import { useMemo, useState } from 'react';
import { stringify } from 'yaml';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import { CopyTextButton } from '@backstage/core-components';
import type { ClusterChain, Health } from '@mesh-chain/plugin-mesh-common';
import { objectKey, parseObjectKey } from '@mesh-chain/plugin-mesh-common';
import { buildChainGraph } from '../../utils/chainGraph';
import { healthLabel, sortDiagnostics } from '../../utils/format';
import {
  autoscalerOf,
  chainResources,
  resolveNode,
  ResolvedResource,
} from '../../utils/resolve';
import { FoundByNote } from '../common/FoundBy';
import { HealthIcon } from '../common/HealthIcon';
import { StatusChip } from '../common/StatusChip';
import { LinkButton } from '../common/LinkButton';
import { DiagnosticItem } from '../DiagnosticsSection';
import { ServiceDetails } from '../ServiceSection';
import { DeploymentDetails } from '../WorkloadSection';
import { HpaDetails } from '../AutoscalingSection';
import {
  DestinationRuleDetails,
  GatewayDetails,
  PodDetails,
  PodsDetails,
  VirtualServiceDetails,
} from './ResourceDetails';

const useStyles = makeStyles(theme => ({
  paper: {
    width: 'min(680px, 100vw)',
    padding: theme.spacing(2.5, 3, 4),
    boxSizing: 'border-box',
  },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  kind: {
    fontSize: '0.75rem',
    letterSpacing: '0.08em',
    textTransform: 'uppercase',
    color: theme.palette.text.secondary,
  },
  title: { fontSize: '1.35rem', fontWeight: 600, overflowWrap: 'anywhere' },
  where: { color: theme.palette.text.secondary, fontSize: '0.85rem' },
  section: { marginTop: theme.spacing(3) },
  sectionTitle: {
    fontSize: '0.85rem',
    fontWeight: 600,
    marginBottom: theme.spacing(1),
  },
  diagList: { listStyle: 'none', margin: 0, padding: 0 },
  related: { margin: 0, paddingLeft: 0, listStyle: 'none' },
  relatedItem: { padding: '2px 0', fontSize: '0.875rem' },
  relation: { color: theme.palette.text.secondary },
  yaml: {
    position: 'relative',
    margin: theme.spacing(1, 0, 0),
    padding: theme.spacing(1.5),
    borderRadius: 6,
    background: theme.palette.type === 'dark' ? '#1b1f24' : '#f6f8fa',
    border: `1px solid ${theme.palette.divider}`,
    fontSize: '0.8rem',
    lineHeight: 1.5,
    overflowX: 'auto',
    maxHeight: '60vh',
  },
  yamlBar: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
  gone: {
    padding: theme.spacing(1.5),
    borderRadius: 6,
    background: theme.palette.warningBackground ?? theme.palette.action.hover,
    color: theme.palette.warningText ?? theme.palette.text.primary,
    marginBottom: theme.spacing(2),
  },
}));

function details(r: ResolvedResource, chain: ClusterChain) {
  const cluster = chain.cluster.name;
  switch (r.type) {
    case 'gateway':
      return <GatewayDetails gateway={r.item} />;
    case 'virtualService':
    case 'httpRoute':
      return <VirtualServiceDetails vs={r.item} chain={chain} />;
    case 'destinationRule':
      return <DestinationRuleDetails dr={r.item} />;
    case 'service':
      return <ServiceDetails service={r.item} cluster={cluster} />;
    case 'deployment': {
      return (
        <DeploymentDetails
          deployment={r.item}
          cluster={cluster}
          hpa={autoscalerOf(chain, r.item)}
        />
      );
    }
    case 'hpa':
      return <HpaDetails hpa={r.item} cluster={cluster} />;
    case 'pods':
      return <PodsDetails pods={r.pods} cluster={cluster} />;
    case 'pod':
      return <PodDetails pod={r.item} />;
    default:
      return null;
  }
}

/**
 * Details of one node of the chain: fields first, YAML on demand. It reads
 * the node from the latest chain on every render, so live updates change its
 * content without closing it.
 */
export function ResourceDrawer(props: {
  chain?: ClusterChain;
  nodeKey?: string;
  onClose: () => void;
  onOpen: (key: string) => void;
}) {
  const classes = useStyles();
  const { chain, nodeKey, onClose, onOpen } = props;
  const [yamlFor, setYamlFor] = useState<string | undefined>();
  const graph = useMemo(
    () => (chain ? buildChainGraph(chain) : undefined),
    [chain],
  );
  const resolved =
    chain && graph && nodeKey ? resolveNode(chain, graph, nodeKey) : undefined;
  const node = graph?.nodes.find(n => n.key === nodeKey);
  const open = !!nodeKey && !!chain;
  const titleId = 'mesh-resource-drawer-title';

  let kind = node?.kindLabel ?? parseObjectKey(nodeKey ?? '')?.kind ?? '';
  let name = node?.name ?? parseObjectKey(nodeKey ?? '')?.name ?? nodeKey ?? '';
  let namespace = node?.namespace ?? parseObjectKey(nodeKey ?? '')?.namespace;
  if (resolved && resolved.type !== 'pods') {
    kind = resolved.item.ref.kind;
    name = resolved.item.ref.name;
    namespace = resolved.item.ref.namespace;
  }
  if (resolved?.type === 'pods') {
    kind = 'Pods';
    name = resolved.owner
      ? `of ${resolved.owner.ref.name}`
      : 'not owned by a Deployment';
    namespace = resolved.owner?.ref.namespace;
  }
  const missing = node?.kind === 'missing';
  let health: Health | undefined = missing ? 'error' : undefined;
  if (resolved?.type === 'pods') health = node?.health;
  else if (resolved) health = resolved.item.health;

  const refKeys = new Set<string>();
  if (resolved?.type === 'pods')
    resolved.pods.forEach(p => refKeys.add(objectKey(p.ref)));
  else if (nodeKey) refKeys.add(nodeKey);
  const diagnostics = chain
    ? sortDiagnostics(
        chain.diagnostics.filter(d =>
          d.resources.some(r => refKeys.has(objectKey(r))),
        ),
      )
    : [];
  const present = new Set(
    chain ? chainResources(chain).map(r => objectKey(r.ref)) : [],
  );

  const related = (graph?.edges ?? [])
    .filter(e => e.from === nodeKey || e.to === nodeKey)
    .map(e => {
      const other = graph!.nodes.find(
        n => n.key === (e.from === nodeKey ? e.to : e.from),
      )!;
      const text = e.from === nodeKey ? `${e.relation} →` : `← ${e.relation}`;
      return { key: other.key, text, other, broken: e.broken };
    });

  const raw =
    resolved && resolved.type !== 'pods' ? resolved.item.raw : undefined;
  const showYaml = yamlFor === nodeKey && !!raw;
  const yamlText = showYaml ? stringify(raw) : '';

  return (
    <Drawer
      anchor="right"
      open={open}
      onClose={onClose}
      classes={{ paper: classes.paper }}
      PaperProps={
        {
          role: 'dialog',
          'aria-modal': true,
          'aria-labelledby': titleId,
        } as any
      }
    >
      {open && (
        <div data-testid="resource-drawer">
          <div className={classes.header}>
            <div>
              <div className={classes.kind}>{kind}</div>
              <Typography
                variant="h5"
                component="h2"
                id={titleId}
                className={classes.title}
              >
                {name}
              </Typography>
              <div className={classes.where}>
                {namespace ? `namespace ${namespace} · ` : ''}cluster{' '}
                {chain!.cluster.title ?? chain!.cluster.name}
              </div>
              {health && (
                <div style={{ marginTop: 8 }}>
                  <StatusChip
                    health={health}
                    label={missing ? 'Not found' : healthLabel[health]}
                  />
                </div>
              )}
              {resolved && (
                <FoundByNote
                  found={resolved.type === 'pods' ? node ?? {} : resolved.item}
                  onOpen={onOpen}
                />
              )}
            </div>
            <IconButton aria-label="Close details" onClick={onClose}>
              <CloseIcon />
            </IconButton>
          </div>

          {!resolved && !missing && (
            <div className={classes.gone} role="status">
              <HealthIcon health="warning" /> This resource is no longer part of
              the chain: it was deleted or no longer matches. The rest of the
              page shows the current state.
            </div>
          )}
          {missing && (
            <Typography variant="body2" className={classes.gone}>
              Something in the chain refers to this {kind}, but it does not
              exist in this cluster.
            </Typography>
          )}

          {diagnostics.length > 0 && (
            <div className={classes.section}>
              <Typography component="h3" className={classes.sectionTitle}>
                Diagnostics
              </Typography>
              <ul className={classes.diagList}>
                {diagnostics.map((d, i) => (
                  <DiagnosticItem
                    key={`${d.code}/${i}`}
                    diagnostic={d}
                    cluster={chain!.cluster.name}
                    present={present}
                  />
                ))}
              </ul>
            </div>
          )}

          {resolved && (
            <div className={classes.section}>
              <Typography component="h3" className={classes.sectionTitle}>
                Details
              </Typography>
              {details(resolved, chain!)}
            </div>
          )}

          {related.length > 0 && (
            <div className={classes.section}>
              <Typography component="h3" className={classes.sectionTitle}>
                In the chain
              </Typography>
              <ul className={classes.related}>
                {related.map(r => (
                  <li
                    key={`${r.key}/${r.text}`}
                    className={classes.relatedItem}
                  >
                    <span className={classes.relation}>{r.text}</span>{' '}
                    <LinkButton onClick={() => onOpen(r.key)}>
                      {r.other.kindLabel} {r.other.name}
                    </LinkButton>
                    {r.broken && (
                      <span className={classes.relation}> (not found)</span>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}

          {raw && (
            <div className={classes.section}>
              <div className={classes.yamlBar}>
                <Button
                  variant="outlined"
                  size="small"
                  onClick={() => setYamlFor(showYaml ? undefined : nodeKey)}
                  aria-expanded={showYaml}
                  aria-controls="mesh-resource-yaml"
                >
                  {showYaml ? 'Hide YAML' : 'Show YAML'}
                </Button>
                {showYaml && (
                  <CopyTextButton text={yamlText} tooltipText="YAML copied" />
                )}
              </div>
              {showYaml && (
                <pre
                  id="mesh-resource-yaml"
                  className={classes.yaml}
                  aria-label={`YAML of ${kind} ${name}`}
                >
                  {yamlText}
                </pre>
              )}
            </div>
          )}
        </div>
      )}
    </Drawer>
  );
}
