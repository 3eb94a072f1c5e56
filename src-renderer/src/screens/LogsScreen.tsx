import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { LogLine } from '../../../shared/ipc/contract';
import { CopyButton } from '../components/CopyButton';
import { ScreenHeader } from '../components/ScreenHeader';
import { EmptyNote, ErrorNote, Loading } from '../components/StatusNotes';
import { formatClock } from '../format';
import { useBridge, useStore } from '../store';

const LEVELS: readonly LogLine['level'][] = ['debug', 'info', 'warn', 'error'];

const FILTERS: readonly { value: LogLine['level']; label: string }[] = [
  { value: 'debug', label: 'Everything' },
  { value: 'info', label: 'Information and up' },
  { value: 'warn', label: 'Warnings and errors' },
  { value: 'error', label: 'Errors only' },
];

export function LogsScreen() {
  const logs = useStore((s) => s.logs);
  const load = useStore((s) => s.loadLogs);
  const [minLevel, setMinLevel] = useState<LogLine['level']>('info');

  const lines = useMemo(() => {
    const min = LEVELS.indexOf(minLevel);
    return (logs.data ?? []).filter((l) => LEVELS.indexOf(l.level) >= min);
  }, [logs.data, minLevel]);

  return (
    <section className="screen">
      <ScreenHeader title="Logs" actions={<LogActions />}>
        What the node has been doing. If something goes wrong, “Copy diagnostics” gives a report to
        share with support (secrets are removed).
      </ScreenHeader>
      <div className="toolbar">
        <label htmlFor="log-level">Show</label>
        <select
          id="log-level"
          value={minLevel}
          onChange={(e) => setMinLevel(e.target.value as LogLine['level'])}
          data-testid="log-level"
        >
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <span className="muted">
          {lines.length} of {logs.data?.length ?? 0} lines
        </span>
      </div>
      {logs.data === null ? (
        logs.error ? (
          <ErrorNote message={logs.error} onRetry={() => void load()} />
        ) : (
          <Loading />
        )
      ) : lines.length === 0 ? (
        <EmptyNote title="No log lines to show">
          {logs.data.length > 0 ? 'Choose “Everything” to see all lines.' : 'Nothing logged yet.'}
        </EmptyNote>
      ) : (
        <LogList lines={lines} />
      )}
    </section>
  );
}

/** Copy diagnostics, and in the desktop app, open the log folder. */
function LogActions() {
  const bridge = useBridge();
  const openLogFolder = window.api?.openLogFolder;
  return (
    <>
      {openLogFolder && (
        <button
          type="button"
          className="button"
          onClick={() => void openLogFolder()}
          data-testid="open-log-folder"
        >
          Open log folder
        </button>
      )}
      <CopyButton
        text={() => bridge.call('diagnostics.report')}
        label="Copy diagnostics"
        testId="copy-diagnostics"
      />
    </>
  );
}

/** The lines, newest at the bottom; it follows new lines while scrolled to the end. */
function LogList({ lines }: { lines: readonly LogLine[] }) {
  const listRef = useRef<HTMLOListElement>(null);
  const atEnd = useRef(true);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && atEnd.current) list.scrollTop = list.scrollHeight;
  }, [lines]);

  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const onScroll = () => {
      atEnd.current = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    };
    list.addEventListener('scroll', onScroll, { passive: true });
    return () => list.removeEventListener('scroll', onScroll);
  }, []);

  return (
    <ol
      className="log-list"
      ref={listRef}
      role="log"
      aria-label="Log lines"
      tabIndex={0}
      data-testid="log-lines"
    >
      {lines.map((l, i) => (
        <li key={i} className={`log-line log-${l.level}`}>
          <time dateTime={l.time}>{formatClock(l.time)}</time>
          <span className="log-level">{l.level}</span>
          <span className="log-scope">{l.scope}</span>
          <span className="log-msg">{l.msg}</span>
        </li>
      ))}
    </ol>
  );
}
