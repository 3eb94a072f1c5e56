/** Full-page notes for when there is no node to talk to. */
export function NoNodeScreen({
  reason,
}: {
  reason: 'missing-token' | 'unauthorized' | 'desktop-without-bridge';
}) {
  const { title, text } = MESSAGES[reason];
  return (
    <section className="empty-state" data-testid={`no-node-${reason}`} aria-live="polite">
      <div className="empty-state-dot" aria-hidden="true" />
      <h2>{title}</h2>
      <p>{text}</p>
    </section>
  );
}

const MESSAGES = {
  'missing-token': {
    title: 'This page needs its access address',
    text: "Open the address in the dashboard-url file of the node's data folder: the node names that file when it starts (the address contains an access token).",
  },
  unauthorized: {
    title: 'The node did not accept this address',
    text: "The access token is wrong or has changed (each start of the node makes a new one). Open the address in the dashboard-url file of the node's data folder: the node names that file when it starts.",
  },
  'desktop-without-bridge': {
    title: 'Not connected to a node yet',
    text: 'This version of the desktop app cannot reach its node. Please update or reinstall sota-miner.',
  },
} as const;
