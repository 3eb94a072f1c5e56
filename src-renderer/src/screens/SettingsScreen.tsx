import type { ReactNode } from 'react';
import { ScreenHeader } from '../components/ScreenHeader';
import { ErrorNote, Loading } from '../components/StatusNotes';
import { useStore } from '../store';

export function SettingsScreen() {
  const info = useStore((s) => s.nodeInfo);
  const load = useStore((s) => s.loadNodeInfo);

  return (
    <section className="screen">
      <ScreenHeader title="Settings">
        How this node is set up. These are read-only for now: to change them, start the node with
        other options (see the README).
      </ScreenHeader>
      {info.data === null ? (
        info.error ? (
          <ErrorNote message={info.error} onRetry={() => void load()} />
        ) : (
          <Loading />
        )
      ) : (
        <div className="panel">
          <dl className="facts facts-rows" data-testid="node-info">
            <Fact label="Data folder">
              <code>{info.data.dataDir}</code>
            </Fact>
            <Fact label="Network">{info.data.network}</Fact>
            <Fact label="Subnet (netuid)">{info.data.netuid ?? 'Not set'}</Fact>
            <Fact label="Dataset">
              {info.data.datasetReady ? 'Ready' : 'Downloads on first start'}
            </Fact>
            <Fact label="CPU cores">
              {info.data.cores} (uses {info.data.defaultThreads} by default)
            </Fact>
            <Fact label="Version">
              {info.data.version} ({info.data.shell === 'desktop' ? 'desktop app' : 'headless node'}
              )
            </Fact>
          </dl>
        </div>
      )}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
