import { ReactNode, useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ChainChange,
  ChangePreview,
  ChangeResult,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { ChangePreviewView } from './ChangePreviewView';

type Step =
  | { state: 'editing' }
  | { state: 'busy' }
  | { state: 'previewed'; preview: ChangePreview }
  | { state: 'applied'; result: ChangeResult }
  | { state: 'failed'; message: string; preview?: ChangePreview };

/**
 * A change, from draft to applied: the editor (children), then a preview
 * (server-side dry run diagnosed by the engine), then, only when the owner
 * confirms, the apply. Editing the draft discards the preview.
 */
export function ChangeDialog(props: {
  title: string;
  entityRef: CompoundEntityRef;
  cluster: string;
  /** The change the editor describes, when it is valid. */
  change?: ChainChange;
  /** What is wrong with the draft, naming the field. */
  problem?: string;
  onClose: () => void;
  children?: ReactNode;
}) {
  const { title, entityRef, cluster, change, problem, onClose } = props;
  const api = useApi(meshApiRef);
  const [step, setStep] = useState<Step>({ state: 'editing' });
  const [force, setForce] = useState(false);
  const key = JSON.stringify(change ?? null);
  useEffect(() => {
    setStep({ state: 'editing' });
    setForce(false);
  }, [key]);

  const preview = async () => {
    if (!change) return;
    setStep({ state: 'busy' });
    try {
      const result = await api.previewChange(entityRef, { cluster, change });
      setStep({ state: 'previewed', preview: result });
    } catch (e) {
      setStep({ state: 'failed', message: (e as Error).message });
    }
  };

  const apply = async (previewed: ChangePreview) => {
    setStep({ state: 'busy' });
    try {
      const result = await api.applyChange(entityRef, {
        cluster,
        change: previewed.change,
        basis: previewed.basis,
        ...(force ? { force: true } : {}),
      });
      setStep({ state: 'applied', result });
    } catch (e) {
      setStep({
        state: 'failed',
        message: (e as Error).message,
        preview: previewed,
      });
    }
  };

  const previewed =
    step.state === 'previewed' || step.state === 'failed'
      ? step.preview
      : undefined;
  const decision = previewed?.decision;
  const canApply =
    !!decision &&
    step.state === 'previewed' &&
    (decision.allowed || (decision.needsForce && decision.canForce && force));

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-label={title}>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent dividers>
        {step.state !== 'applied' && props.children}
        {problem && (
          <Typography color="error" variant="body2" role="alert">
            {problem}
          </Typography>
        )}
        {step.state === 'busy' && <Progress />}
        {step.state === 'failed' && (
          <WarningPanel
            severity="error"
            title="The change failed"
            message={step.message}
            defaultExpanded
          />
        )}
        {previewed && step.state !== 'failed' && (
          <div style={{ marginTop: 16 }}>
            <ChangePreviewView preview={previewed} />
          </div>
        )}
        {decision?.needsForce && decision.canForce && (
          <FormControlLabel
            control={
              <Checkbox
                checked={force}
                onChange={e => setForce(e.target.checked)}
              />
            }
            label="Force: apply although the owners above will undo or revert it"
          />
        )}
        {step.state === 'applied' && (
          <>
            <Typography variant="body1" role="status">
              Applied: {step.result.summary}. The tab shows it as soon as the
              cluster reports it.
            </Typography>
            <div style={{ marginTop: 16 }}>
              <ChangePreviewView preview={step.result} />
            </div>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>
          {step.state === 'applied' ? 'Close' : 'Cancel'}
        </Button>
        {step.state !== 'applied' && (
          <Button
            onClick={preview}
            disabled={!change || step.state === 'busy'}
            color={previewed ? 'default' : 'primary'}
            variant={previewed ? 'outlined' : 'contained'}
          >
            Preview
          </Button>
        )}
        {previewed && step.state !== 'applied' && (
          <Button
            onClick={() => apply(previewed)}
            disabled={!canApply}
            color="primary"
            variant="contained"
          >
            Apply
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
