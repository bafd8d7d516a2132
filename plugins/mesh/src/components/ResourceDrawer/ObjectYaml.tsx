import { useEffect, useState } from 'react';
import { stringify } from 'yaml';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { CopyTextButton, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { meshApiRef } from '../../api';
import { useUserAuth } from '../../hooks/useUserAuth';

const useStyles = makeStyles(theme => ({
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
  bar: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
}));

type YamlState =
  | { state: 'hidden' }
  | { state: 'loading' }
  | { state: 'shown'; text: string }
  | { state: 'failed'; message: string };

/**
 * "Show YAML" of one object of the chain: the chain carries no copies of
 * the objects, so the YAML is fetched from the backend when asked for (as
 * the cluster holds it at that moment).
 */
export function ObjectYaml(props: {
  cluster: string;
  objectKey: string;
  kind: string;
  name: string;
}) {
  const { cluster, objectKey, kind, name } = props;
  const classes = useStyles();
  const api = useApi(meshApiRef);
  const getUserAuth = useUserAuth();
  const { entity } = useEntity();
  const [yaml, setYaml] = useState<YamlState>({ state: 'hidden' });
  const loading = yaml.state === 'loading';

  useEffect(() => {
    if (!loading) return undefined;
    const controller = new AbortController();
    getUserAuth()
      .then(userAuth =>
        api.getObject(
          getCompoundEntityRef(entity),
          { cluster, key: objectKey },
          { signal: controller.signal, userAuth },
        ),
      )
      .then(
        response =>
          setYaml({ state: 'shown', text: stringify(response.object) }),
        error => {
          if (!controller.signal.aborted) {
            setYaml({ state: 'failed', message: String(error.message) });
          }
        },
      );
    return () => controller.abort();
  }, [loading, api, getUserAuth, entity, cluster, objectKey]);

  const shown = yaml.state === 'shown';
  return (
    <>
      <div className={classes.bar}>
        <Button
          variant="outlined"
          size="small"
          onClick={() =>
            setYaml(shown ? { state: 'hidden' } : { state: 'loading' })
          }
          disabled={loading}
          aria-expanded={shown}
          aria-controls="mesh-resource-yaml"
        >
          {shown ? 'Hide YAML' : 'Show YAML'}
        </Button>
        {shown && <CopyTextButton text={yaml.text} tooltipText="YAML copied" />}
      </div>
      {loading && <Progress />}
      {yaml.state === 'failed' && (
        <Typography variant="body2" role="alert" color="error">
          Could not load the YAML: {yaml.message}
        </Typography>
      )}
      {shown && (
        <pre
          id="mesh-resource-yaml"
          className={classes.yaml}
          aria-label={`YAML of ${kind} ${name}`}
        >
          {yaml.text}
        </pre>
      )}
    </>
  );
}
