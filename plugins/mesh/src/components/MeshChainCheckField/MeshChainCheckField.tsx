/*
 * The template check on a template's form: what the Service Mesh tab will
 * report about the chain the template creates with the values entered so
 * far, checked again (debounced) as they change, errors first, each with
 * its code, title, object and fix. Its value, the findings one per line,
 * is what the review page lists.
 */
import { useEffect, useMemo, useState } from 'react';
import { useLocation } from 'react-router-dom';
import useDebounce from 'react-use/esm/useDebounce';
import { useApiHolder } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { JsonObject } from '@backstage/types';
import type {
  ChainFinding,
  MeshCheckResponse,
} from '@mesh-chain/plugin-mesh-common';
import { refusesRun } from '@mesh-chain/plugin-mesh-common';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Alert } from '@material-ui/lab';
import { sortDiagnostics } from '../../utils/format';
import { HealthIcon } from '../common/HealthIcon';
import { Code } from '../common/Labels';
import { useDiagnosticListStyles } from '../common/diagnosticListStyles';
import { countBySeverity } from '../DiagnosticsSection/DiagnosticsSection';
import {
  describeCheckError,
  meshApiOf,
  reviewLines,
  templateRefOf,
  valuesToCheck,
  type MeshChainCheckUiOptions,
} from './checkRequest';

/** The field's value before the check has answered. */
const NOT_CHECKED = 'Not checked';

/** How long the values must stay unchanged before they are checked. */
export const CHECK_DEBOUNCE_MS = 600;

const useStyles = makeStyles(theme => ({
  root: { margin: theme.spacing(1, 0, 2) },
  muted: { color: theme.palette.text.secondary },
  list: { margin: theme.spacing(1, 0, 0) },
}));

type CheckState =
  | { status: 'loading' }
  | { status: 'done'; result: MeshCheckResponse }
  | { status: 'failed'; message: string }
  | { status: 'no-template' };

/** The tab's diagnostic list styles with the field's own on top. */
function useFieldClasses() {
  const listClasses = useDiagnosticListStyles();
  const own = useStyles();
  return {
    ...listClasses,
    ...own,
    list: `${listClasses.list} ${own.list}`,
  };
}

function FindingItem(props: { finding: ChainFinding }) {
  const classes = useFieldClasses();
  const { finding: f } = props;
  const blocks = refusesRun(f);
  return (
    <li className={classes.item} data-testid="mesh-check-finding">
      <HealthIcon health={f.severity} />
      <div>
        <div className={classes.head}>
          <span className={`${classes.severity} ${classes[f.severity]}`}>
            {f.severity}
          </span>
          {f.code && <span className={classes.code}>{f.code}</span>}
          <Typography component="h4" variant="body1" className={classes.title}>
            {f.title}
          </Typography>
        </div>
        <Typography variant="body2">
          <span className={classes.muted}>Object</span> {f.object}
          {f.path && (
            <>
              {' '}
              <span className={classes.muted}>field</span> <Code>{f.path}</Code>
            </>
          )}
          {f.severity === 'error' && !blocks && (
            <span className={classes.muted}>
              {' '}
              (already in the cluster: does not stop the template)
            </span>
          )}
        </Typography>
        <Typography variant="body2">{f.message}</Typography>
        <div className={classes.fix}>
          <Typography variant="body2">
            <strong>Fix: </strong>
            {f.fix}
          </Typography>
        </div>
      </div>
    </li>
  );
}

function CheckResult(props: { result: MeshCheckResponse }) {
  const classes = useFieldClasses();
  const { result } = props;
  const where =
    result.checkedAgainst === 'cluster'
      ? `against what cluster '${result.cluster}' holds`
      : 'on the manifests alone';
  const blocking = result.findings.filter(refusesRun).length;
  return (
    <>
      {result.findings.length === 0 ? (
        <Typography variant="body2" className={classes.none}>
          <HealthIcon health="ok" /> No problems found: the Service Mesh tab
          will report none ({where}).
        </Typography>
      ) : (
        <>
          <Typography variant="body2">
            {countBySeverity(result.findings)} ({where}).{' '}
            {blocking > 0
              ? 'Fix the errors to go on: the template would refuse to apply the chain.'
              : 'Warnings do not stop the template.'}
          </Typography>
          <ul className={classes.list} aria-label="Service Mesh findings">
            {sortDiagnostics(result.findings).map((f, i) => (
              <FindingItem key={`${f.code}/${f.object}/${i}`} finding={f} />
            ))}
          </ul>
        </>
      )}
      {result.notes.map(note => (
        <Typography key={note} variant="body2" className={classes.muted}>
          {note}
        </Typography>
      ))}
    </>
  );
}

/**
 * The `MeshChainCheck` field of a template's form: what the Service Mesh
 * tab will report about the chain the template creates, for the values
 * entered so far.
 *
 * @public
 */
export function MeshChainCheckField(
  props: FieldExtensionComponentProps<string[], MeshChainCheckUiOptions>,
) {
  const classes = useFieldClasses();
  const { name, formData, onChange, formContext, uiSchema, schema } = props;
  const apis = useApiHolder();
  const api = useMemo(() => meshApiOf(apis), [apis]);
  const { pathname } = useLocation();
  const templateRef = templateRefOf(uiSchema?.['ui:options'], pathname);
  const values = valuesToCheck(
    (formContext as { formData?: JsonObject } | undefined)?.formData,
    { name },
  );
  const request = JSON.stringify({ templateRef, values });
  const [debounced, setDebounced] = useState<string>();
  useDebounce(() => setDebounced(request), CHECK_DEBOUNCE_MS, [request]);
  const [state, setState] = useState<CheckState>({ status: 'loading' });

  useEffect(() => {
    if (debounced === undefined) return undefined;
    const body = JSON.parse(debounced);
    if (!body.templateRef || !api) {
      setState({ status: 'no-template' });
      return undefined;
    }
    const controller = new AbortController();
    setState({ status: 'loading' });
    api.checkTemplate(body, { signal: controller.signal }).then(
      result => {
        if (!controller.signal.aborted) setState({ status: 'done', result });
      },
      error => {
        if (!controller.signal.aborted) {
          setState({ status: 'failed', message: describeCheckError(error) });
        }
      },
    );
    return () => controller.abort();
  }, [debounced, api]);

  // The value the review page lists, once the check has answered (or
  // failed); until then one that says so (a field without a value is not
  // validated).
  let lines: string | null = null;
  if (state.status === 'done') {
    lines = JSON.stringify(reviewLines(state.result));
  } else if (state.status === 'failed') {
    lines = JSON.stringify([`${NOT_CHECKED}: ${state.message}`]);
  } else if (formData === undefined) {
    lines = JSON.stringify([NOT_CHECKED]);
  }
  useEffect(() => {
    if (lines && lines !== JSON.stringify(formData ?? null)) {
      onChange(JSON.parse(lines));
    }
  }, [lines, formData, onChange]);

  return (
    <section
      className={classes.root}
      aria-label={schema?.title ?? 'Service Mesh check'}
    >
      <Typography component="h3" variant="h6">
        {schema?.title ?? 'Service Mesh check'}
      </Typography>
      {schema?.description && (
        <Typography variant="body2" className={classes.muted}>
          {schema.description}
        </Typography>
      )}
      {state.status === 'loading' && (
        <div role="status">
          <Typography variant="body2">
            Checking what the Service Mesh tab will report…
          </Typography>
          <LinearProgress />
        </div>
      )}
      {state.status === 'no-template' && (
        <Alert severity="info">
          The Service Mesh check needs a template: set{' '}
          <Code>ui:options.templateRef</Code> on the field.
        </Alert>
      )}
      {state.status === 'failed' && (
        <Alert severity="warning">
          The Service Mesh check failed: {state.message}. You can go on; the
          template checks the chain again when it runs.
        </Alert>
      )}
      {state.status === 'done' && <CheckResult result={state.result} />}
    </section>
  );
}
