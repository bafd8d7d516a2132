/*
 * The editors of the change dialogs, one per kind of change: each keeps its
 * draft, builds the change (drafts.ts) and hands it to ChangeDialog.
 */
import { useState } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  DeploymentInfo,
  HpaInfo,
  RouteInfo,
} from '@mesh-chain/plugin-mesh-common';
import { ChangeDialog } from './ChangeDialog';
import {
  autoscalerChange,
  destinationLabel,
  replicasChange,
  routeLabel,
  timeoutsChange,
  timeoutsDraftOf,
  weightsChange,
  type TimeoutsDraft,
} from './drafts';

const useStyles = makeStyles(theme => ({
  fields: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(1),
  },
  presets: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
}));

/** What every editor gets. */
export interface EditorProps {
  entityRef: CompoundEntityRef;
  cluster: string;
  onClose: () => void;
}

/** Route weights: any split summing to 100, or all to one destination. */
export function WeightsEditor(props: EditorProps & { route: RouteInfo }) {
  const classes = useStyles();
  const { route } = props;
  const [weights, setWeights] = useState(() =>
    route.destinations.map(d => String(d.weight)),
  );
  const draft = weightsChange(route, weights);
  const allTo = (index: number) =>
    setWeights(route.destinations.map((_, i) => (i === index ? '100' : '0')));
  return (
    <ChangeDialog
      title={`Route weights of ${routeLabel(route)}`}
      entityRef={props.entityRef}
      cluster={props.cluster}
      change={draft.change}
      problem={draft.problem}
      onClose={props.onClose}
    >
      {route.destinations.length > 1 && (
        <div className={classes.presets}>
          {route.destinations.map((d, i) => (
            <Button
              key={i}
              size="small"
              variant="outlined"
              onClick={() => allTo(i)}
            >
              {i === 0 ? 'Roll back' : 'Promote'}: all to {destinationLabel(d)}
            </Button>
          ))}
        </div>
      )}
      <div className={classes.fields}>
        {route.destinations.map((d, i) => (
          <TextField
            key={i}
            id={`mesh-change-weight-${i}`}
            label={`Weight of ${destinationLabel(d)} (%)`}
            type="number"
            inputProps={{ min: 0, max: 100, step: 1 }}
            value={weights[i]}
            onChange={e =>
              setWeights(weights.map((w, j) => (j === i ? e.target.value : w)))
            }
          />
        ))}
      </div>
    </ChangeDialog>
  );
}

/** A route's timeout and retries. */
export function TimeoutsEditor(props: EditorProps & { route: RouteInfo }) {
  const classes = useStyles();
  const { route } = props;
  const [draft, setDraft] = useState<TimeoutsDraft>(() =>
    timeoutsDraftOf(route),
  );
  const result = timeoutsChange(route, draft);
  const field = (name: keyof TimeoutsDraft, label: string, help: string) => (
    <TextField
      id={`mesh-change-${name}`}
      label={label}
      helperText={help}
      value={draft[name]}
      onChange={e => setDraft({ ...draft, [name]: e.target.value })}
    />
  );
  return (
    <ChangeDialog
      title={`Timeout and retries of ${routeLabel(route)}`}
      entityRef={props.entityRef}
      cluster={props.cluster}
      change={result.change}
      problem={result.problem}
      onClose={props.onClose}
    >
      <div className={classes.fields}>
        {field('timeout', 'Timeout', 'e.g. 5s; empty: no timeout')}
        {field('attempts', 'Retry attempts', 'empty: Istio’s default')}
        {field('perTryTimeout', 'Per-try timeout', 'e.g. 2s')}
        {field('retryOn', 'Retry on', 'e.g. 5xx,connect-failure')}
      </div>
    </ChangeDialog>
  );
}

/** An autoscaler's minimum and maximum replicas. */
export function AutoscalerEditor(props: EditorProps & { hpa: HpaInfo }) {
  const classes = useStyles();
  const { hpa } = props;
  const [min, setMin] = useState(String(hpa.minReplicas));
  const [max, setMax] = useState(String(hpa.maxReplicas));
  const result = autoscalerChange(
    { namespace: hpa.ref.namespace ?? '', name: hpa.ref.name },
    min,
    max,
  );
  return (
    <ChangeDialog
      title={`Replica limits of autoscaler ${hpa.ref.name}`}
      entityRef={props.entityRef}
      cluster={props.cluster}
      change={result.change}
      problem={result.problem}
      onClose={props.onClose}
    >
      <div className={classes.fields}>
        <TextField
          id="mesh-change-min-replicas"
          label="Minimum replicas"
          type="number"
          value={min}
          onChange={e => setMin(e.target.value)}
        />
        <TextField
          id="mesh-change-max-replicas"
          label="Maximum replicas"
          type="number"
          value={max}
          onChange={e => setMax(e.target.value)}
        />
      </div>
    </ChangeDialog>
  );
}

/** Replicas of a Deployment no autoscaler scales. */
export function ReplicasEditor(
  props: EditorProps & { deployment: DeploymentInfo },
) {
  const classes = useStyles();
  const { deployment } = props;
  const [replicas, setReplicas] = useState(String(deployment.replicas.desired));
  const result = replicasChange(
    { namespace: deployment.ref.namespace ?? '', name: deployment.ref.name },
    replicas,
  );
  return (
    <ChangeDialog
      title={`Replicas of ${deployment.ref.name}`}
      entityRef={props.entityRef}
      cluster={props.cluster}
      change={result.change}
      problem={result.problem}
      onClose={props.onClose}
    >
      <div className={classes.fields}>
        <TextField
          id="mesh-change-replicas"
          label="Replicas"
          type="number"
          value={replicas}
          onChange={e => setReplicas(e.target.value)}
        />
      </div>
    </ChangeDialog>
  );
}

/** A rollout restart: new pods replace the old ones, as the strategy says. */
export function RestartEditor(
  props: EditorProps & { deployment: DeploymentInfo },
) {
  const { deployment } = props;
  return (
    <ChangeDialog
      title={`Restart ${deployment.ref.name}`}
      entityRef={props.entityRef}
      cluster={props.cluster}
      change={{
        type: 'restart',
        target: {
          namespace: deployment.ref.namespace ?? '',
          name: deployment.ref.name,
        },
      }}
      onClose={props.onClose}
    >
      <Typography variant="body2">
        Replaces the pods of {deployment.ref.name} as{' '}
        <code>kubectl rollout restart</code> does, following its{' '}
        {deployment.strategy.type} strategy.
      </Typography>
    </ChangeDialog>
  );
}
