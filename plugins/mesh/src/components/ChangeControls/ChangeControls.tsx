import { ReactElement, useState } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import {
  meshChainUpdatePermission,
  type ClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { domId } from '../../utils/domId';
import { SectionCard } from '../common/SectionCard';
import {
  AutoscalerEditor,
  ReplicasEditor,
  RestartEditor,
  TimeoutsEditor,
  WeightsEditor,
  type EditorProps,
} from './ChangeEditors';
import { changeableRoutes, routeLabel } from './drafts';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
  },
  what: { minWidth: 260 },
}));

/** Whether the backend is configured to change this cluster at all. */
function useChangesEnabled(cluster: string): boolean {
  const api = useApi(meshApiRef);
  const { value } = useAsync(() => api.getChangeTargets(), [api]);
  return !!value?.targets.some(t => t.cluster === cluster);
}

type Editor = (props: EditorProps) => ReactElement;

/** The objects of the chain an owner can change, and a button per change. */
function ChangeList(props: { entity: Entity; chain: ClusterChain }) {
  const classes = useStyles();
  const { chain } = props;
  const [editor, setEditor] = useState<Editor>();
  const scaled = new Set(
    chain.hpas.flatMap(h => (h.target ? [h.target.name] : [])),
  );
  const rows: Array<{ what: string; actions: Array<[string, Editor]> }> = [
    ...changeableRoutes(chain).map(route => ({
      what: `Route ${routeLabel(route)}`,
      actions: [
        [
          'Weights',
          (p: EditorProps) => <WeightsEditor {...p} route={route} />,
        ] as [string, Editor],
        ...(route.protocol === 'http'
          ? [
              [
                'Timeout & retries',
                (p: EditorProps) => <TimeoutsEditor {...p} route={route} />,
              ] as [string, Editor],
            ]
          : []),
      ],
    })),
    ...chain.hpas.map(hpa => ({
      what: `Autoscaler ${hpa.ref.name} (${hpa.minReplicas}–${hpa.maxReplicas})`,
      actions: [
        [
          'Replica limits',
          (p: EditorProps) => <AutoscalerEditor {...p} hpa={hpa} />,
        ] as [string, Editor],
      ],
    })),
    ...chain.deployments.map(deployment => ({
      what: `Deployment ${deployment.ref.name} (${deployment.replicas.desired} replicas)`,
      actions: [
        ...(scaled.has(deployment.ref.name)
          ? []
          : [
              [
                'Replicas',
                (p: EditorProps) => (
                  <ReplicasEditor {...p} deployment={deployment} />
                ),
              ] as [string, Editor],
            ]),
        [
          'Restart',
          (p: EditorProps) => <RestartEditor {...p} deployment={deployment} />,
        ] as [string, Editor],
      ],
    })),
  ];
  const Open = editor;
  return (
    <>
      {rows.map(row => (
        <div className={classes.row} key={row.what}>
          <Typography variant="body2" className={classes.what}>
            {row.what}
          </Typography>
          {row.actions.map(([label, make]) => (
            <Button
              key={label}
              size="small"
              variant="outlined"
              aria-label={`${label}: ${row.what}`}
              onClick={() => setEditor(() => make)}
            >
              {label}
            </Button>
          ))}
        </div>
      ))}
      {Open && (
        <Open
          entityRef={getCompoundEntityRef(props.entity)}
          cluster={chain.cluster.name}
          onClose={() => setEditor(undefined)}
        />
      )}
    </>
  );
}

/** The card's content, once changes are known to be enabled here. */
function PermittedChanges(props: { entity: Entity; chain: ClusterChain }) {
  const { entity, chain } = props;
  const { loading, allowed } = usePermission({
    permission: meshChainUpdatePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  if (loading) return null;
  if (!allowed) {
    return (
      <Typography variant="body2" color="textSecondary">
        You may not change this component’s traffic: the permission{' '}
        <code>mesh.chain.update</code> is for its owners
        {entity.spec?.owner ? ` (${String(entity.spec.owner)})` : ''} and the
        portal’s administrators.
      </Typography>
    );
  }
  return <ChangeList entity={entity} chain={chain} />;
}

/**
 * The "Change traffic" card of a cluster: route weights, timeouts and
 * retries, autoscaler limits, replicas and restarts, each previewed before
 * it is applied. Shown when the backend may change this cluster
 * (`mesh.changes.targets`); its buttons only to those allowed
 * `mesh.chain.update` on the entity.
 */
export function ChangeControls(props: { entity: Entity; chain: ClusterChain }) {
  const { entity, chain } = props;
  const enabled = useChangesEnabled(chain.cluster.name);
  if (!enabled) return null;
  return (
    <SectionCard
      title="Change traffic"
      id={domId(chain.cluster.name, 'changes')}
      subtitle="Each change is previewed (diff, problems, where requests go) before anything is written."
    >
      <PermittedChanges entity={entity} chain={chain} />
    </SectionCard>
  );
}
