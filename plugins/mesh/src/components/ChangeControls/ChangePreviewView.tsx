import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { WarningPanel } from '@backstage/core-components';
import type {
  ChangePreview,
  ChangeTrace,
  Diagnostic,
  RouteSimulationResult,
} from '@mesh-chain/plugin-mesh-common';
import { destinationLabel } from './drafts';

const useStyles = makeStyles(theme => ({
  block: { marginTop: theme.spacing(2) },
  heading: { fontWeight: 600, fontSize: '0.95rem' },
  diff: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre',
    overflowX: 'auto',
    maxHeight: 320,
    padding: theme.spacing(1),
    margin: 0,
    background: theme.palette.background.default,
    borderRadius: 4,
  },
  added: { color: theme.palette.success.main },
  removed: { color: theme.palette.error.main },
  list: { margin: theme.spacing(0.5, 0), paddingLeft: theme.spacing(3) },
}));

/** Where a traced request ends up, in one line. */
export function traceOutcome(result: RouteSimulationResult): string {
  if (result.destinations.length === 0) {
    return `no destination${
      result.reasons.length ? ` (${result.reasons.join('; ')})` : ''
    }`;
  }
  const parts = result.destinations.map(
    d =>
      `${destinationLabel(d)} ${d.weight}% (${d.readyPods} ready pod${
        d.readyPods === 1 ? '' : 's'
      })`,
  );
  const extras = [
    result.timeout && `timeout ${result.timeout}`,
    result.retries && `${result.retries.attempts} retries`,
  ].filter(Boolean);
  return `${parts.join(', ')}${extras.length ? `; ${extras.join(', ')}` : ''}${
    result.reachable ? '' : ' — unreachable'
  }`;
}

/** `added`, `removed` or neither, for a line of a unified diff. */
function diffLineKind(line: string): 'added' | 'removed' | undefined {
  if (line.startsWith('+') && !line.startsWith('+++')) return 'added';
  if (line.startsWith('-') && !line.startsWith('---')) return 'removed';
  return undefined;
}

function DiffView(props: { diff: string }) {
  const classes = useStyles();
  return (
    <pre className={classes.diff} aria-label="YAML diff">
      {props.diff.split('\n').map((line, i) => (
        <div
          key={i}
          className={
            diffLineKind(line) ? classes[diffLineKind(line)!] : undefined
          }
        >
          {line || ' '}
        </div>
      ))}
    </pre>
  );
}

function DiagnosticList(props: { title: string; items: Diagnostic[] }) {
  const classes = useStyles();
  return (
    <div className={classes.block}>
      <Typography className={classes.heading} component="h3">
        {props.title}
      </Typography>
      <ul className={classes.list}>
        {props.items.map((d, i) => (
          <li key={`${d.code}/${i}`}>
            <Typography variant="body2">
              <strong>{d.title}</strong> ({d.severity}): {d.message}
            </Typography>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Traces(props: { traces: ChangeTrace[] }) {
  const classes = useStyles();
  return (
    <div className={classes.block}>
      <Typography className={classes.heading} component="h3">
        Where traced requests go
      </Typography>
      <ul className={classes.list}>
        {props.traces.map((t, i) => (
          <li key={i}>
            <Typography variant="body2">
              {t.request.method ?? 'GET'} {t.request.url}: now{' '}
              {traceOutcome(t.before)}; after the change{' '}
              <strong>{traceOutcome(t.after)}</strong>
            </Typography>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What a previewed (or applied) change does: owners, diagnostics, traces, diff. */
export function ChangePreviewView(props: { preview: ChangePreview }) {
  const classes = useStyles();
  const { preview } = props;
  const { diagnostics, decision } = preview;
  return (
    <div>
      <Typography variant="body1">
        <strong>{preview.summary}</strong>
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {preview.target.kind} {preview.target.namespace}/{preview.target.name}{' '}
        in cluster {preview.cluster}; sets {preview.fields.join(', ')} as field
        manager {preview.fieldManager}.
      </Typography>
      {preview.owners.length > 0 && (
        <div className={classes.block}>
          <WarningPanel
            severity={decision.needsForce ? 'error' : 'warning'}
            title="Other owners of these fields"
            defaultExpanded
          >
            <ul className={classes.list}>
              {preview.owners.map(o => (
                <li key={o.manager}>
                  <Typography variant="body2">
                    <strong>{o.manager}</strong> ({o.description}) owns{' '}
                    {o.fields.join(', ')}: {o.consequence}
                  </Typography>
                </li>
              ))}
            </ul>
          </WarningPanel>
        </div>
      )}
      {!decision.allowed && decision.reasons.length > 0 && (
        <div className={classes.block}>
          <WarningPanel severity="error" title="This change cannot be applied">
            {decision.reasons.join(' ')}
          </WarningPanel>
        </div>
      )}
      {diagnostics.introduced.length > 0 ? (
        <DiagnosticList
          title="Problems this change introduces"
          items={diagnostics.introduced}
        />
      ) : (
        <Typography className={classes.block} variant="body2">
          The change introduces no new problems.
        </Typography>
      )}
      {diagnostics.fixed.length > 0 && (
        <DiagnosticList
          title="Problems this change fixes"
          items={diagnostics.fixed}
        />
      )}
      {diagnostics.remaining.length > 0 && (
        <DiagnosticList
          title="Problems that remain after the change"
          items={diagnostics.remaining}
        />
      )}
      {preview.traces.length > 0 && <Traces traces={preview.traces} />}
      {preview.notes.length > 0 && (
        <ul className={classes.list}>
          {preview.notes.map((n, i) => (
            <li key={i}>
              <Typography variant="body2" color="textSecondary">
                {n}
              </Typography>
            </li>
          ))}
        </ul>
      )}
      <div className={classes.block}>
        <Typography className={classes.heading} component="h3">
          Diff
        </Typography>
        <DiffView diff={preview.diff} />
      </div>
    </div>
  );
}
