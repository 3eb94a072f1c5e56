/** New-block notifications. The provider re-subscribes after a reconnect, so this keeps working. */
import type { ChainContext } from './context';

export interface BlockHead {
  readonly number: number;
  readonly hash: string;
}

/** Calls `onBlock` for each new best block; resolves to an unsubscribe function. */
export async function subscribeBlocks(
  ctx: Pick<ChainContext, 'api'>,
  onBlock: (head: BlockHead) => void,
): Promise<() => void> {
  return ctx.api.rpc.chain.subscribeNewHeads((header) => {
    onBlock({ number: header.number.toNumber(), hash: header.hash.toHex() });
  });
}
