/** How a chat's turns reach the API: each turn is a run, which the session follows. */
export interface ChatTransport {
  /** Whether the agent sees earlier turns (threads) or each turn alone (one run per turn). */
  readonly keepsHistory: boolean;
  /** What the session tells the user about it at the start. */
  readonly description: string;
  /** What to tell the user when the session ends (how to go on with it), if anything. */
  readonly farewell?: string;
  /** Starts the run of one user turn; answers its id. */
  startTurn(message: string): Promise<string>;
}
