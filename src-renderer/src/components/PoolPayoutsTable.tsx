import type { PoolPayoutView } from '../../../shared/ipc/contract';
import { formatDateTime, formatTaoExact, shortAddress, shortDigest } from '../format';

/** What the pool has paid this miner, newest first, with the transfer that paid it. */
export function PoolPayoutsTable({ payouts }: { payouts: readonly PoolPayoutView[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="pool-payouts">
        <thead>
          <tr>
            <th scope="col">Window</th>
            <th scope="col">Amount</th>
            <th scope="col">Paid</th>
            <th scope="col">To</th>
            <th scope="col">Transfer</th>
          </tr>
        </thead>
        <tbody>
          {payouts.map((p) => (
            <tr key={`${p.window}-${p.txHash ?? 'unpaid'}`}>
              <td className="num">{p.window}</td>
              <td className="num" title={`${p.amountRao} RAO`}>
                {formatTaoExact(p.amountRao)}
              </td>
              <td>{p.paidAt === null ? 'waiting' : formatDateTime(p.paidAt)}</td>
              <td>
                <code title={p.payee ?? undefined}>{shortAddress(p.payee)}</code>
              </td>
              <td>
                <code title={p.txHash ?? undefined}>{shortDigest(p.txHash)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
