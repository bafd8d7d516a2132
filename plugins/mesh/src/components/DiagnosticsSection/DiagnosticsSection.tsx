import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { ClusterChain, Diagnostic } from '@mesh-chain/plugin-mesh-common';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { pluralize, sortDiagnostics } from '../../utils/format';
import { domId } from '../../utils/domId';
import { chainResources } from '../../utils/resolve';
import { HealthIcon } from '../common/HealthIcon';
import { ResourceButton } from '../common/ResourceButton';
import { SectionCard } from '../common/SectionCard';
import { Code } from '../common/Labels';
import { useDiagnosticListStyles } from '../common/diagnosticListStyles';

const useStyles = makeStyles(theme => ({
  message: { margin: theme.spacing(0.5, 0) },
  resources: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1.5),
    fontSize: '0.85rem',
    alignItems: 'baseline',
  },
  label: { color: theme.palette.text.secondary, fontSize: '0.8rem' },
}));

export function countBySeverity(
  diagnostics: Array<{ severity: Diagnostic['severity'] }>,
): string {
  const parts = (['error', 'warning', 'info'] as const)
    .map(s => [s, diagnostics.filter(d => d.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => pluralize(n, s === 'info' ? 'note' : s));
  return parts.join(', ');
}

/** One diagnostic: severity, code, title, message, resources, fix. */
export function DiagnosticItem(props: {
  diagnostic: Diagnostic;
  cluster: string;
  present: Set<string>;
}) {
  const classes = { ...useDiagnosticListStyles(), ...useStyles() };
  const { diagnostic: d, cluster, present } = props;
  return (
    <li className={classes.item} data-testid="diagnostic">
      <HealthIcon health={d.severity} />
      <div>
        <div className={classes.head}>
          <span className={`${classes.severity} ${classes[d.severity]}`}>
            {d.severity}
          </span>
          <span className={classes.code}>{d.code}</span>
          <Typography component="h4" variant="body1" className={classes.title}>
            {d.title}
          </Typography>
        </div>
        <Typography variant="body2" className={classes.message}>
          {d.message}
        </Typography>
        {d.resources.length > 0 && (
          <div className={classes.resources}>
            <span className={classes.label}>Involves</span>
            {d.resources.map(r => (
              <span key={objectKey(r)}>
                {present.has(objectKey(r)) ? (
                  <ResourceButton cluster={cluster} resource={r} withKind />
                ) : (
                  <span>
                    {r.kind} {r.namespace ? `${r.namespace}/` : ''}
                    {r.name} <span className={classes.label}>(missing)</span>
                  </span>
                )}
              </span>
            ))}
            {d.path && (
              <span>
                <span className={classes.label}>field</span>{' '}
                <Code>{d.path}</Code>
              </span>
            )}
          </div>
        )}
        <div className={classes.fix}>
          <Typography variant="body2">
            <strong>Fix: </strong>
            {d.fix}
          </Typography>
        </div>
      </div>
    </li>
  );
}

/** Diagnostics of a cluster's chain, worst first. */
export function DiagnosticsSection(props: { chain: ClusterChain }) {
  const classes = { ...useDiagnosticListStyles(), ...useStyles() };
  const { chain } = props;
  const cluster = chain.cluster.name;
  const present = new Set(chainResources(chain).map(r => objectKey(r.ref)));
  const diagnostics = sortDiagnostics(chain.diagnostics);
  return (
    <SectionCard
      title="Diagnostics"
      id={domId(cluster, 'diagnostics')}
      subtitle={diagnostics.length ? countBySeverity(diagnostics) : undefined}
    >
      {diagnostics.length === 0 ? (
        <Typography variant="body2" className={classes.none}>
          <HealthIcon health="ok" /> No problems found in the gateway, routes,
          subsets, Service, Deployments and autoscaler.
        </Typography>
      ) : (
        <ul className={classes.list}>
          {diagnostics.map((d, i) => (
            <DiagnosticItem
              key={`${d.code}/${i}`}
              diagnostic={d}
              cluster={cluster}
              present={present}
            />
          ))}
        </ul>
      )}
    </SectionCard>
  );
}
