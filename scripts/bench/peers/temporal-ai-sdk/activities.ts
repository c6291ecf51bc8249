/** The echo tool. */
export async function echo(input: { text: string }): Promise<string> {
  return input.text;
}
