export * from './messages.ts';
export * from './models/scripted-model.ts';
export * from './models/model-call-error.ts';
export * from './tools/tool.ts';
export * from './tools/arithmetic.ts';
export * from './tools/builtin-tools.ts';
export * from './tools/http-tool.ts';
export * from './tools/resolve-tool.ts';
