import type { MiningMode } from '../../../shared/ipc/contract';

const MODES: readonly {
  mode: MiningMode;
  label: string;
  text: string;
  disabled?: boolean;
}[] = [
  { mode: 'solo', label: 'Solo', text: 'Search on this computer only. Nothing is sent anywhere.' },
  {
    mode: 'direct',
    label: 'Direct',
    text: 'Search, and send better algorithms to the subnet’s validators under your key.',
  },
  {
    mode: 'pool',
    label: 'Pool',
    text: 'Work for a pool: it checks your work, books your share and pays it out.',
  },
];

/** Solo / Direct / Pool as a radio group (arrow keys move between the choices). */
export function ModePicker({
  value,
  onChange,
  disabled,
}: {
  value: MiningMode;
  onChange: (mode: MiningMode) => void;
  disabled: boolean;
}) {
  return (
    <fieldset className="mode-picker" disabled={disabled}>
      <legend>How to mine</legend>
      {MODES.map((m) => (
        <label
          key={m.mode}
          className={`mode-option${value === m.mode ? ' mode-option-selected' : ''}${m.disabled ? ' mode-option-disabled' : ''}`}
        >
          <input
            type="radio"
            name="mining-mode"
            value={m.mode}
            checked={value === m.mode}
            disabled={m.disabled}
            onChange={() => onChange(m.mode)}
            data-testid={`mode-${m.mode}`}
          />
          <span className="mode-text">
            <span className="mode-label">{m.label}</span>
            <span className="mode-help">{m.text}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
