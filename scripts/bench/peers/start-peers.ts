import type { Peer, PeerContext } from '../peer-contract.ts';

/** The peers, in the order the phase runs them (the fastest to set up offline first). */
export const peerNames = ['temporal-ai-sdk', 'langgraph', 'dbos', 'restate', 'inngest'] as const;

/** Starts one peer by name. */
export async function startPeer(name: string, context: PeerContext): Promise<Peer> {
  switch (name) {
    case 'temporal-ai-sdk':
      return (await import('./temporal-ai-sdk/peer.ts')).startTemporalAiSdkPeer(context);
    case 'dbos':
      return (await import('./dbos/peer.ts')).startDbosPeer(context);
    case 'restate':
      return (await import('./restate/peer.ts')).startRestatePeer(context);
    case 'langgraph':
      return (await import('./langgraph/peer.ts')).startLangGraphPeer(context);
    case 'inngest':
      // Its dev server is a Go binary: `inngest-cli` on npm downloads it from GitHub when it is
      // installed, and no registry reachable here ships it.
      throw new Error(
        'not run: the Inngest dev server is a binary that the inngest-cli npm package downloads at install time; no registry here ships it (offline)',
      );
    default:
      throw new Error(`no peer ${name}`);
  }
}
