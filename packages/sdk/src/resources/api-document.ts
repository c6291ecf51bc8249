import type { CallOptions } from '../client-options.ts';
import type { Transport } from '../http/transport.ts';

/**
 * The parts of an OpenAPI 3.1 document a client reads: which operations the API serves and
 * the JSON Schemas of their bodies. Loosely typed on purpose: it describes whatever API version
 * answers, which may be newer than the SDK's generated types.
 */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string };
  /** Path templates (`/v1/runs/{runId}`) and their operations. */
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, unknown>> };
}

/**
 * The API's own description of itself (`GET /openapi.json`): what a deployment serves, so a
 * client can use a feature only where the API it talks to has it (threads, say, which an older
 * deployment lacks). Read once per client and kept.
 */
export class ApiDocumentResource {
  readonly #transport: Transport;
  #document: Promise<OpenApiDocument> | undefined;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The OpenAPI document, read at the first call and kept (a failed read is tried again next time). */
  get(options: CallOptions = {}): Promise<OpenApiDocument> {
    this.#document ??= this.#transport.json<OpenApiDocument>({
      method: 'GET',
      path: '/openapi.json',
      signal: options.signal,
    });
    this.#document.catch(() => {
      this.#document = undefined;
    });
    return this.#document;
  }

  /** Whether the API serves `pathTemplate` (as the document spells it, e.g. `/v1/threads`), with `method` if given. */
  async supports(pathTemplate: string, method?: string, options: CallOptions = {}): Promise<boolean> {
    const operations = (await this.get(options)).paths[pathTemplate];
    if (operations === undefined) return false;
    return method === undefined || method.toLowerCase() in operations;
  }
}
