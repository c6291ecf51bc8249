import { createRequire } from 'node:module';
import proto from '@temporalio/proto';

type History = proto.temporal.api.history.v1.IHistory;

/** The part of protobufjs's proto3 JSON extension these helpers use. */
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

// Why not `historyToJSON`/`historyFromJSON` of `@temporalio/common/lib/proto-utils` (and
// `Worker.runReplayHistory` given JSON, which calls the latter)? With SDK 1.24 they throw
// "type must be a Type" in this repository: the root node_modules holds protobufjs 7 (for
// @grpc/proto-loader), so npm gives @temporalio/common and @temporalio/proto each their own
// copy of protobufjs 8, and the JSON extension of one copy refuses the other copy's types.
// Taking the extension from the copy that built the types avoids the mismatch. Same format:
// proto3 JSON, as `temporal workflow show --output json` writes it.
const protoJson = createRequire(import.meta.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
// The package's default export is a protobufjs Root; its generated types omit Root's methods.
const historyType = (proto as unknown as { lookupType(path: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

/** A workflow history as proto3 JSON text, indented for reviewable diffs. */
export function historyToJson(history: History): string {
  return JSON.stringify(
    protoJson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
    null,
    2,
  );
}

/** A workflow history read back from proto3 JSON (unknown fields are ignored). */
export function historyFromJson(json: unknown): History {
  const history = protoJson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a workflow history');
  return history;
}
