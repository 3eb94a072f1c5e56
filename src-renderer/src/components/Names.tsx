/**
 * How a program, a key and a head-to-head score are written everywhere: short forms a person can
 * compare at a glance, the whole value on hover.
 */
import { formatScore, formatSignedScore, shortAddress, shortDigest } from '../format';
import { useStore } from '../store';

export function Digest({ digest }: { digest: string }) {
  return <code title={digest}>{shortDigest(digest)}</code>;
}

export function Address({ address }: { address: string }) {
  return <code title={address}>{shortAddress(address)}</code>;
}

/** A key: "you (name)" when it is one of this node's keys, else its short address. */
export function KeyName({ address }: { address: string }) {
  const own = useStore((s) => s.wallets.data?.find((w) => w.address === address));
  return own ? <span title={address}>you ({own.name})</span> : <Address address={address} />;
}

/** A challenger's score against the holder's, and the difference: "0.7316 vs 0.6971 (+0.0345)". */
export function ScoreVersus({ challenger, holder }: { challenger: number; holder: number }) {
  return (
    <>
      {formatScore(challenger)}{' '}
      <span className="muted">
        vs {formatScore(holder)} ({formatSignedScore(challenger - holder)})
      </span>
    </>
  );
}
