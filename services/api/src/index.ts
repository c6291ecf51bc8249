export { buildApp } from './app.ts';
export type { ApiDependencies, ApiInstance, LiveOptions } from './app-types.ts';
export {
  createOidcVerifier,
  oidcOptionsFromConfig,
  type OidcIdentity,
  type OidcVerifier,
  type OidcVerifierOptions,
} from './http/oidc.ts';
export { startRunReconciler, type RunReconcilerOptions } from './run-reconciler.ts';
