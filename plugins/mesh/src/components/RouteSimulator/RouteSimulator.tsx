import { FormEvent, useState } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef, Entity } from '@backstage/catalog-model';
import type {
  RouteSimulationRequest,
  RouteSimulationResponse,
  RouteSimulationResult,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { useUserAuth } from '../../hooks/useUserAuth';
import { errorMessage } from '../../utils/format';
import { HealthIcon } from '../common/HealthIcon';
import { SectionCard } from '../common/SectionCard';
import { StatusChip } from '../common/StatusChip';
import { ResourceButton } from '../common/ResourceButton';
import { ClusterStatusNote } from '../ClusterView/ClusterStatusNote';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const useStyles = makeStyles(theme => ({
  form: {
    display: 'grid',
    gridTemplateColumns: 'minmax(240px, 1fr) 120px 190px auto',
    gap: theme.spacing(1.5),
    alignItems: 'start',
    [theme.breakpoints.down('sm')]: { gridTemplateColumns: '1fr' },
  },
  headers: { gridColumn: '1 / -1' },
  actions: { display: 'flex', gap: theme.spacing(1), paddingTop: 4 },
  results: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: theme.spacing(2),
    marginTop: theme.spacing(2),
  },
  result: {
    padding: theme.spacing(1.5, 2),
    borderRadius: 8,
    border: `1px solid ${theme.palette.divider}`,
  },
  resultHead: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
  steps: { margin: 0, paddingLeft: 0, listStyle: 'none', counterReset: 'step' },
  step: {
    display: 'grid',
    gridTemplateColumns: '20px 1fr',
    gap: theme.spacing(1),
    padding: '3px 0',
    fontSize: '0.875rem',
  },
  stepKind: {
    fontSize: '0.7rem',
    textTransform: 'uppercase',
    letterSpacing: '0.06em',
    color: theme.palette.text.secondary,
    marginRight: 6,
  },
  dests: { margin: theme.spacing(1, 0, 0), paddingLeft: theme.spacing(2.5) },
  reasons: {
    margin: theme.spacing(1, 0, 0),
    color: theme.palette.status.error,
  },
  error: { color: theme.palette.status.error, marginTop: theme.spacing(1) },
  note: { color: theme.palette.status.warning, marginTop: theme.spacing(1) },
}));

function parseHeaders(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const line of text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)) {
    const i = line.indexOf(':');
    if (i <= 0) return `“${line}” is not a header; write name: value`;
    headers[line.slice(0, i).trim().toLocaleLowerCase('en-US')] = line
      .slice(i + 1)
      .trim();
  }
  return headers;
}

function ResultView(props: {
  result: RouteSimulationResult;
  clusterTitle: string;
}) {
  const classes = useStyles();
  const { result: r, clusterTitle } = props;
  return (
    <section
      className={classes.result}
      aria-label={`Result in ${clusterTitle}`}
    >
      <div className={classes.resultHead}>
        <Typography variant="subtitle2" component="h4">
          {clusterTitle} <ClusterStatusNote status={r.status} />
        </Typography>
        <StatusChip
          health={r.reachable ? 'ok' : 'error'}
          label={r.reachable ? 'Reaches pods' : 'Does not reach pods'}
        />
      </div>
      <ol className={classes.steps}>
        {r.steps.map((s, i) => (
          <li key={i} className={classes.step}>
            <HealthIcon
              health={s.ok ? 'ok' : 'error'}
              title={s.ok ? 'passes' : 'stops here'}
            />
            <span>
              <span className={classes.stepKind}>{s.kind}</span>
              {s.detail}
            </span>
          </li>
        ))}
      </ol>
      {r.destinations.length > 0 && (
        <ul className={classes.dests}>
          {r.destinations.map((d, i) => (
            <li key={i}>
              <strong>{d.weight}%</strong> to{' '}
              {d.service ? (
                <ResourceButton cluster={r.cluster} resource={d.service} />
              ) : (
                d.host
              )}
              {d.subset ? ` subset ${d.subset}` : ''}
              {d.servicePort !== undefined ? ` port ${d.servicePort}` : ''}
              {d.targetPort !== undefined ? ` → ${d.targetPort}` : ''}:{' '}
              {d.readyPods} of {d.pods.length} pods ready
            </li>
          ))}
        </ul>
      )}
      {r.status?.state === 'stale' && (
        <Typography variant="body2" className={classes.note}>
          Traced through the cluster as last seen, not as it is now:{' '}
          {r.status.message}
        </Typography>
      )}
      {r.reasons.length > 0 && (
        <ul className={classes.reasons}>
          {r.reasons.map(reason => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * "Where does this request go?": a URL, method and headers in; for each
 * cluster the path it takes out, which the chain pictures then draw.
 */
export function RouteSimulator(props: {
  entity: Entity;
  suggestedUrl?: string;
  clusterTitles: Record<string, string>;
  onResult: (response: RouteSimulationResponse | undefined) => void;
}) {
  const classes = useStyles();
  const api = useApi(meshApiRef);
  const getUserAuth = useUserAuth();
  const { entity, suggestedUrl, clusterTitles, onResult } = props;
  const [url, setUrl] = useState('');
  const [method, setMethod] = useState('GET');
  const [from, setFrom] = useState<'gateway' | 'mesh'>('gateway');
  const [headersText, setHeadersText] = useState('');
  const [urlError, setUrlError] = useState<string | undefined>();
  const [headersError, setHeadersError] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [response, setResponse] = useState<
    RouteSimulationResponse | undefined
  >();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target = url.trim() || suggestedUrl || '';
    try {
      const parsed = new URL(target);
      if (!/^https?:$/.test(parsed.protocol)) throw new Error('scheme');
      setUrlError(undefined);
    } catch {
      setUrlError('Enter a full URL, e.g. https://shop.example.com/api/cart');
      return;
    }
    const headers = parseHeaders(headersText);
    if (typeof headers === 'string') {
      setHeadersError(headers);
      return;
    }
    setHeadersError(undefined);
    const request: RouteSimulationRequest = {
      url: target,
      method,
      from,
      ...(Object.keys(headers).length && { headers }),
    };
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.simulateRoute(
        getCompoundEntityRef(entity),
        request,
        { userAuth: await getUserAuth() },
      );
      setResponse(result);
      onResult(result);
    } catch (e) {
      setError(e as Error);
      setResponse(undefined);
      onResult(undefined);
    } finally {
      setBusy(false);
    }
  };

  const clear = () => {
    setResponse(undefined);
    setError(undefined);
    onResult(undefined);
  };

  return (
    <SectionCard
      title="Where does this request go?"
      id="mesh-route-simulator"
      subtitle="Trace a request through the gateway, routes and subsets to the pods that would answer it."
    >
      <form className={classes.form} onSubmit={submit} noValidate>
        <TextField
          id="mesh-simulate-url"
          label="URL"
          value={url}
          onChange={e => setUrl(e.target.value)}
          placeholder={suggestedUrl ?? 'https://shop.example.com/api/cart'}
          variant="outlined"
          size="small"
          error={!!urlError}
          helperText={
            urlError ??
            (suggestedUrl && !url ? `Empty: uses ${suggestedUrl}` : ' ')
          }
          inputProps={{ inputMode: 'url', spellCheck: false }}
          InputLabelProps={{ shrink: true }}
        />
        <TextField
          id="mesh-simulate-method"
          select
          label="Method"
          value={method}
          onChange={e => setMethod(e.target.value)}
          variant="outlined"
          size="small"
        >
          {METHODS.map(m => (
            <MenuItem key={m} value={m}>
              {m}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          id="mesh-simulate-from"
          select
          label="Coming from"
          value={from}
          onChange={e => setFrom(e.target.value as 'gateway' | 'mesh')}
          variant="outlined"
          size="small"
        >
          <MenuItem value="gateway">outside (gateway)</MenuItem>
          <MenuItem value="mesh">inside the mesh</MenuItem>
        </TextField>
        <div className={classes.actions}>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={busy}
          >
            Trace
          </Button>
          {(response || error) && (
            <Button variant="outlined" onClick={clear}>
              Clear
            </Button>
          )}
        </div>
        <TextField
          id="mesh-simulate-headers"
          className={classes.headers}
          label="Headers (optional), one per line"
          placeholder="x-canary: true"
          value={headersText}
          onChange={e => setHeadersText(e.target.value)}
          multiline
          minRows={1}
          maxRows={6}
          variant="outlined"
          size="small"
          error={!!headersError}
          helperText={headersError}
          inputProps={{ spellCheck: false }}
        />
      </form>
      {busy && <Progress />}
      {error && (
        <Typography role="alert" className={classes.error}>
          Could not trace the request: {errorMessage(error)}
        </Typography>
      )}
      {response && (
        <div className={classes.results} aria-live="polite">
          {response.results.length === 0 && (
            <Typography variant="body2">
              No cluster to trace the request in.
            </Typography>
          )}
          {response.results.map(r => (
            <ResultView
              key={r.cluster}
              result={r}
              clusterTitle={clusterTitles[r.cluster] ?? r.cluster}
            />
          ))}
        </div>
      )}
    </SectionCard>
  );
}
