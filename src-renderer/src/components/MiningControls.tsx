import type { MiningStatus } from '../../../shared/ipc/contract';

export type MiningAction = 'start' | 'pause' | 'resume' | 'stop';

type State = MiningStatus['state'];

/** Which buttons make sense in each state. */
export function allowedActions(state: State): Record<MiningAction, boolean> {
  return {
    start: state === 'idle' || state === 'stopped' || state === 'error',
    pause: state === 'running',
    resume: state === 'paused',
    stop: state === 'starting' || state === 'running' || state === 'paused',
  };
}

const LABELS: Record<MiningAction, string> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  stop: 'Stop',
};

/** Start / Pause / Resume / Stop, each enabled only when it applies. */
export function MiningControls({
  state,
  busy,
  disabled,
  canPause = true,
  onAction,
}: {
  state: State;
  busy: MiningAction | null;
  /** All off, e.g. while the node is unreachable. */
  disabled: boolean;
  /** Pool work comes in short units: there is nothing to pause. */
  canPause?: boolean;
  onAction: (action: MiningAction) => void;
}) {
  const allowed = allowedActions(state);
  if (!canPause) allowed.pause = false;
  return (
    <div className="controls" role="group" aria-label="Mining controls">
      {(Object.keys(LABELS) as MiningAction[]).map((action) => (
        <button
          key={action}
          type="button"
          className={`button${action === 'start' || action === 'resume' ? ' button-primary' : ''}`}
          disabled={disabled || !allowed[action] || busy !== null}
          onClick={() => onAction(action)}
          data-testid={action}
        >
          {busy === action ? `${LABELS[action]}…` : LABELS[action]}
        </button>
      ))}
    </div>
  );
}
